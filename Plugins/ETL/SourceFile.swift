import Foundation

/// A source file already opened (after its path was checked), so what is read is the file that
/// was checked; `name` is for messages and progress.
struct SourceFile: @unchecked Sendable {
    // @unchecked: FileHandle is not Sendable; a source file is read by one thread at a time
    // (the ETL thread that runs the load).
    let handle: FileHandle
    let name: String

    /// The file's size in bytes (at least 1, for progress fractions).
    var size: Int {
        guard let end = try? handle.seekToEnd() else { return 1 }
        _ = try? handle.seek(toOffset: 0)
        return max(1, Int(end))
    }
}
