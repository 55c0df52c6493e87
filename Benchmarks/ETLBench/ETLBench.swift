import ArgumentParser
import BenchSupport
import Conveyor
import ConveyorETL
import ConveyorTesting
import Foundation

/// `etl-bench --rows N [--postgres URL]`: CSV → SQLite (or PostgreSQL) through the `etl` job — rows per second, and peak RSS
/// growth against the file's size (memory must stay flat: batches, not the file).
@main
struct ETLBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "etl-bench", abstract: "CSV → SQLite throughput and memory.")
    @Option(help: "Rows in the generated CSV (8 columns).") var rows = 1_000_000
    @Option(help: "Directory for the CSV and the database.") var directory = ".build/bench-etl"
    @Option var iterations = 3
    @Flag(help: "Load the text as it is: no casts (shows what parsing and writing cost alone).") var noCasts = false
    @Option(help: "Load into this PostgreSQL database (postgres://…) instead of SQLite.") var postgres: String?

    func run() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = "rows-\(rows).csv"
        let csv = (directory as NSString).appendingPathComponent(file)
        if !FileManager.default.fileExists(atPath: csv) { try generate(csv) }
        let size = (try FileManager.default.attributesOfItem(atPath: csv)[.size] as? Int) ?? 0
        let configuration = try ETLConfiguration(directory: directory)
        let destination = postgres.map { #"{"type": "postgres", "url": "\#($0)", "table": "orders", "mode": "replace"}"# }
            ?? #"{"type": "sqlite", "path": "bench.db", "table": "orders", "mode": "replace"}"#
        let request = try JSONDecoder().decode(ETLRequest.self, from: Data("""
            {"source": {"type": "csv", "path": "\(file)"},
             "transform": \(noCasts ? "[]" : Self.casts),
             "destination": \(destination)}
            """.utf8))
        for iteration in 1...iterations {
            let baseline = ResidentMemory.current
            ResidentMemory.resetPeak()
            let started = ContinuousClock.now
            let run = await HandlerTester(memory: MemoryLimits(maxTotal: 200_000_000, maxPerJob: 50_000_000)).run(ETLHandler(configuration: configuration), request)
            let result = try run.output()
            let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18 + Double((ContinuousClock.now - started).components.seconds)
            let growth = ResidentMemory.peak - baseline
            print(String(
                format: "etl #%d: %d rows (%.0f MB CSV, 8 columns, %@) → %@ in %.2f s = %.0f rows/s; written %d, rejected %d; budget peak %.1f MB; RSS growth %.0f MB (%.2f× the file)",
                iteration, result.rowsRead, Double(size) / 1e6, noCasts ? "no casts" : "5 casts", postgres == nil ? "SQLite" : "PostgreSQL", seconds, Double(result.rowsRead) / seconds, result.rowsWritten, result.rowsRejected,
                Double(run.peakMemory) / 1e6, Double(growth) / 1e6, Double(growth) / Double(max(size, 1))))
        }
    }

    private static let casts = """
        [{"op": "cast", "field": "id", "to": "int"}, {"op": "cast", "field": "amount", "to": "double"},
         {"op": "cast", "field": "quantity", "to": "int"}, {"op": "cast", "field": "created", "to": "date"},
         {"op": "cast", "field": "active", "to": "bool"}]
        """

    /// Deterministic rows: id, name, email, city, amount, quantity, created, active.
    private func generate(_ path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot write \(path)")
        }
        defer { try? handle.close() }
        let cities = ["Berlin", "Paris", "Lisbon", "New York", "São Paulo", "Tokyo", "Nairobi", "Sydney"]
        var text = "id,name,email,city,amount,quantity,created,active\n"
        for id in 1...rows {
            let city = cities[id % cities.count]
            let quoted = city.contains(" ") ? "\"\(city)\"" : city
            text += "\(id),Customer \(id),customer\(id)@example.com,\(quoted),\(id % 10_000).\(id % 100),\(id % 17),2026-\(String(format: "%02d", id % 12 + 1))-\(String(format: "%02d", id % 28 + 1)),\(id % 3 == 0 ? "true" : "false")\n"
            if text.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(text.utf8))
                text = ""
            }
        }
        try handle.write(contentsOf: Data(text.utf8))
    }
}
