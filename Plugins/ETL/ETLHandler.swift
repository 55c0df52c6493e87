public import Conveyor
import Foundation

/// `etl {source, transform?, destination}` → `{rowsRead, rowsWritten, rowsRejected, rowsFiltered, rejectSamples}`.
public struct ETLHandler: JobHandler {
    public static let name = "etl"
    public static let example: ETLRequest? = try? JSONDecoder().decode(ETLRequest.self, from: Data("""
        {"source": {"type": "csv", "path": "orders.csv"},
         "transform": [{"op": "cast", "field": "amount", "to": "double"}, {"op": "filter", "field": "amount", "gt": 0}],
         "destination": {"type": "sqlite", "path": "warehouse.db", "table": "orders", "mode": "upsert", "key": ["id"]}}
        """.utf8))
    private let stage: RunETL

    public init(configuration: ETLConfiguration) {
        stage = RunETL(configuration: configuration)
    }

    /// Runs the request.
    public func run(_ input: ETLRequest, context: JobContext) async throws -> ETLResult {
        try await stage.run(input, context: context)
    }
}
