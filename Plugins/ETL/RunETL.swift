public import Conveyor

/// The stage that runs an ETL request: extract, transform, load, in batches.
public struct RunETL: Stage {
    public let name = "etl"
    public let weight: Double
    private let configuration: ETLConfiguration

    public init(configuration: ETLConfiguration, weight: Double = 1) {
        self.configuration = configuration
        self.weight = weight
    }

    /// Loads every row it can and accounts for every row it cannot.
    public func run(_ request: ETLRequest, context: JobContext) async throws -> ETLResult {
        let result = try await ETLRunner(request: request, configuration: configuration).run(context: context)
        context.logger.info("ETL finished", metadata: [
            "read": "\(result.rowsRead)", "written": "\(result.rowsWritten)", "rejected": "\(result.rowsRejected)",
        ])
        return result
    }
}
