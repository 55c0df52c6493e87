// `conveyor` with one more job type, for the durable-step crash tests: `journal-lines`
// {file, stallMs} appends a line to `file` (a side effect a second run would show), then stalls
// in its second stage long enough to be killed there, then counts the file's lines.
import Conveyor
import ConveyorCommandLine
import Foundation

struct Lines: Codable, Sendable {
    var file: String
    var stallMs: Int
}

let journalLines = Pipeline<Lines, Int>("journal-lines") {
    Step<Lines, Lines>("append") { input, context in
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input.file))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("appended by attempt \(context.attempt)\n".utf8))
        return input
    }
    Step<Lines, Lines>("stall") { input, context in
        for tenth in 1...10 {
            try await Task.sleep(for: .milliseconds(input.stallMs / 10))
            context.progress(Double(tenth) / 10)
        }
        return input
    }
    Step<Lines, Int>("count") { input, _ in
        try String(contentsOfFile: input.file, encoding: .utf8).split(separator: "\n").count
    }
}

struct StepFixturePlugin: ConveyorPlugin {
    let name = "step-fixture"
    func register(into registry: inout HandlerRegistry) { registry.register(journalLines) }
}

await ConveyorCommand.main(plugins: [StepFixturePlugin()])
