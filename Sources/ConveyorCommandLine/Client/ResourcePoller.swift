import Foundation

/// Follows a flow or a batch by reading it every 250 ms until it stops running, drawing the bar
/// `progress` describes on stderr; Ctrl-C meanwhile exits 130 with `interrupted` (``Interruption``).
struct ResourcePoller<Resource: Decodable> {
    let client: ServerClient
    let path: String
    var drawsProgress: Bool
    /// Whether it still runs.
    let isRunning: (Resource) -> Bool
    /// The bar's percent and its "3/10 jobs ended".
    let progress: (Resource) -> (percent: Double, stage: String)

    /// The resource once it stopped running (the first read, when it was not running), with its JSON as sent.
    func follow(from first: (Resource, Data), interrupted: String) async throws -> (Resource, Data) {
        var (resource, data) = first
        guard isRunning(resource) else { return (resource, data) }
        let bar = ProgressBar(enabled: drawsProgress)
        let interruption = Interruption(saying: interrupted) { bar.finish() }
        defer { interruption.stop() }
        while isRunning(resource) {
            let (percent, stage) = progress(resource)
            bar.draw(percent: percent, stage: stage, message: nil)
            try await Task.sleep(for: .milliseconds(250))
            (resource, data) = try await client.send("GET", path, as: Resource.self)
        }
        let (percent, stage) = progress(resource)
        bar.draw(percent: percent, stage: stage, message: nil)
        bar.finish()
        return (resource, data)
    }
}
