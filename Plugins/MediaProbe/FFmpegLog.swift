import CFFmpeg
import Foundation
import Synchronization

/// FFmpeg's error lines, kept per thread while a probe runs there, so a failure can carry
/// FFmpeg's own reason ("moov atom not found") instead of stderr getting it.
enum FFmpegLog {
    private static let lines = Mutex<[UInt: [String]]>([:])
    private static let installed: Void = {
        cffmpeg_set_log_sink({ _, line in
            guard let line else { return }
            let text = String(cString: line).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { return }
            let thread = UInt(pthread_self())
            FFmpegLog.lines.withLock { lines in
                if lines[thread] != nil { lines[thread]!.append(text) }
            }
        }, AV_LOG_ERROR)
    }()

    /// Runs `body`, collecting FFmpeg's error lines on this thread; returns them with its result.
    static func capturing<T>(_ body: () throws -> T) rethrows -> (T, [String]) {
        _ = installed
        let thread = UInt(pthread_self())
        lines.withLock { $0[thread] = [] }
        defer { _ = lines.withLock { $0.removeValue(forKey: thread) } }
        let value = try body()
        return (value, lines.withLock { $0[thread] ?? [] })
    }

    /// The lines collected so far on this thread.
    static var current: [String] { lines.withLock { $0[UInt(pthread_self())] ?? [] } }
}
