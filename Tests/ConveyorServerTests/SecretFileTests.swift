import Foundation
import Testing
import TestSupport

/// Without `CONVEYOR_JWT_SECRET`, a SQLite server keeps its signing secret in a mode-600 file
/// beside the database: tokens survive a restart, and `conveyor token` signs for it.
@Suite("serve: the signing secret kept beside a SQLite store")
struct SecretFileTests {
    @Test("the first start makes it, later starts and conveyor token use it; a file others can read is refused")
    func keptSecret() async throws {
        let directory = try TemporaryDirectory()
        let store = "sqlite:" + directory.path("jobs.db")
        let secretPath = directory.path("jobs.db.jwt-secret")
        let first = try await ServeProcess.start(["--store", store])
        #expect(first.process.printedSoFar.contains("made a secret in \(secretPath) (mode 600)"))
        first.process.kill(SIGKILL)
        _ = try await first.process.finish()
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: secretPath)[.posixPermissions] as? Int)
        #expect(mode == 0o600, "mode \(String(mode, radix: 8))")

        let second = try await ServeProcess.start(["--store", store])
        defer { second.process.kill(SIGKILL) }
        #expect(second.process.printedSoFar.contains("signing with the secret in \(secretPath)"))
        let minted = try await ProductProcess("conveyor", ["token", "--user", "alice", "--store", store], unsetting: ["CONVEYOR_JWT_SECRET"]).finish()
        #expect(minted.status == 0, "\(minted.stderr)")
        let token = minted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for bearer in [first.token, token] {
            let listed = try await ProductProcess.run("conveyor", ["jobs", "-q"], environment: ["CONVEYOR_URL": second.url, "CONVEYOR_TOKEN": bearer])
            #expect(listed.status == 0, "a token signed before the restart or by conveyor token works: \(listed.stderr)")
        }

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secretPath)
        let refused = try await ProductProcess("conveyor", ["serve", "--store", store, "--port", "0"], unsetting: ["CONVEYOR_JWT_SECRET"]).finish()
        #expect(refused.status == 2)
        #expect(refused.stderr == "Error: \(secretPath): can be read by other users (mode 644); run chmod 600 \(secretPath)\n", "\(refused.stderr)")
    }

    @Test("conveyor token without a secret or a kept one says what to do")
    func tokenWithoutSecret() async throws {
        let directory = try TemporaryDirectory()
        let store = "sqlite:" + directory.path("none.db")
        let output = try await ProductProcess("conveyor", ["token", "--user", "a", "--store", store], unsetting: ["CONVEYOR_JWT_SECRET"]).finish()
        #expect(output.status == 2)
        #expect(output.stderr.contains("does not exist yet: start `conveyor serve --store \(store)` once"), "\(output.stderr)")
    }
}
