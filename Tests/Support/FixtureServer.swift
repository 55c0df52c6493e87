import Foundation

/// The local HTTP fixture server (`Tests/Fixtures/http/fixture_server.py`): serves files in every
/// way a real server might, well or badly, and parses multipart uploads.
public enum FixtureServer {
    private static let shared = StartOnce { try launch(FixturePaths.root.appendingPathComponent("media").path) }

    /// One server per test process, serving `Tests/Fixtures/media`.
    public static func start() async throws -> ScriptServer {
        try await shared.value()
    }

    /// A server of its own serving `root`.
    public static func serving(_ root: String) async throws -> ScriptServer {
        try await OffPool.run { try launch(root) }
    }

    private static func launch(_ root: String) throws -> ScriptServer {
        try ScriptServer(script: "http/fixture_server.py", arguments: ["--root", root])
    }
}
