public import Foundation

/// A fresh directory under the system's temporary folder, for one test's files.
public struct TemporaryDirectory {
    public let url: URL

    public init(_ prefix: String = "conveyor-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
