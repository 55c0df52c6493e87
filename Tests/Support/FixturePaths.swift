public import Foundation

/// Where the committed fixtures live, found from this file's own path so tests run from any directory.
public enum FixturePaths {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// A file under `Tests/Fixtures/media/`.
    public static func media(_ name: String) -> URL { root.appendingPathComponent("media").appendingPathComponent(name) }

    /// The bytes of a media fixture.
    public static func mediaBytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: media(name))) }
}
