import Foundation
import Testing
import TestSupport

@Suite("OpenAPI document")
struct OpenAPITests {
    /// openapi-spec-validator (PyPI) from the Python `make test` prepares (CONVEYOR_TEST_PYTHON).
    @Test func theDocumentIsValidOpenAPI31() async throws {
        guard let python = ProcessInfo.processInfo.environment["CONVEYOR_TEST_PYTHON"] else {
            print("Skipping OpenAPI validation: CONVEYOR_TEST_PYTHON is not set (make test sets it to a venv with openapi-spec-validator)")
            return
        }
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let answer = try await server.request("GET", "/openapi.json")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-openapi-\(UUID().uuidString).json")
        try answer.data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, text) = try await OffPool.run {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["-m", "openapi_spec_validator", file.path]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        #expect(status == 0, "\(text)")
        #expect(text.contains("OK"), "\(text)")
    }

    /// Every operation the document lists is routed: none answers "no such endpoint" or 405.
    @Test func everyDocumentedOperationIsServed() async throws {
        let server = try await TestServer.start(runWorkers: false)
        defer { Task { try? await server.stop() } }
        let document = try await server.request("GET", "/openapi.json").json
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var checked = 0
        for (path, item) in paths where path != "/ws" {
            let concrete = path.replacingOccurrences(of: "{id}", with: "01a20ac6-4cd0-7338-b274-0ec2863455de").replacingOccurrences(of: "{queue}", with: "default")
            for method in item.keys where ["get", "post"].contains(method) {
                let answer = try await server.request(method.uppercased(), concrete, token: server.admin, body: method == "post" ? [:] as [String: Any] : nil)
                #expect(answer.status != 405, "\(method) \(path)")
                #expect(answer.errorMessage != "No such endpoint", "\(method) \(path)")
                checked += 1
            }
        }
        #expect(checked >= 19)
        let wrong = try await server.request("DELETE", "/api/jobs", token: server.admin)
        #expect(wrong.status == 405)
        #expect(wrong.headers["allow"] == "GET, POST")
    }
}
