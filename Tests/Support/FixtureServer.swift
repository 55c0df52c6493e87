import Foundation
import Synchronization

/// The local HTTP fixture server (`Tests/Fixtures/http/fixture_server.py`): serves files in every
/// way a real server might, well or badly, and parses multipart uploads.
public enum FixtureServer {
    private static let shared = Mutex<ScriptServer?>(nil)

    /// One server per test process, serving `Tests/Fixtures/media`.
    public static func start() throws -> ScriptServer {
        try shared.withLock { server in
            if let server { return server }
            let started = try serving(FixturePaths.root.appendingPathComponent("media").path)
            server = started
            return started
        }
    }

    /// A server of its own serving `root`.
    public static func serving(_ root: String) throws -> ScriptServer {
        try ScriptServer(script: "http/fixture_server.py", arguments: ["--root", root])
    }
}
