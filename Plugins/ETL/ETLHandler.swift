public import Conveyor

/// `etl {source, transform?, destination}` → `{rowsRead, rowsWritten, rowsRejected, rowsFiltered, rejectSamples}`.
public struct ETLHandler: JobHandler {
    public static let name = "etl"
    private let stage: RunETL

    public init(configuration: ETLConfiguration) {
        stage = RunETL(configuration: configuration)
    }

    /// Runs the request.
    public func run(_ input: ETLRequest, context: JobContext) async throws -> ETLResult {
        try await stage.run(input, context: context)
    }
}
