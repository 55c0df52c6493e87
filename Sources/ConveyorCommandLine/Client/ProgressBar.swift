import Foundation

/// `[██████░░░░]  65% upload — Sending to Telegram...`, in place on a terminal — on stderr, so
/// what a command prints on stdout (the outcome, the result) can be piped.
final class ProgressBar: @unchecked Sendable {
    // Drawn from one task at a time (the WebSocket handler); `finish` may also come from the
    // Ctrl-C handler just before the process exits.
    private let interactive = isatty(STDERR_FILENO) == 1
    private let enabled: Bool
    private var last = ""

    init(enabled: Bool = true) {
        self.enabled = enabled
    }

    func draw(percent: Double, stage: String?, message: String?) {
        guard enabled else { return }
        let clamped = max(0, min(100, percent))
        let filled = Int((clamped / 100 * 30).rounded())
        var line = "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: 30 - filled) + "] "
        line += String(format: "%5.1f%%", clamped)
        if let stage { line += " \(stage)" }
        if let message, !message.isEmpty { line += " — \(message)" }
        guard line != last else { return }
        last = line
        FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[2K" + line : line + "\n").utf8))
    }

    /// A line of its own between redraws (a failed attempt), kept on screen.
    func say(_ text: String) {
        guard enabled else { return }
        let clear = interactive && !last.isEmpty ? "\r\u{1B}[2K" : ""
        FileHandle.standardError.write(Data((clear + text + "\n").utf8))
        if interactive && !last.isEmpty { FileHandle.standardError.write(Data(last.utf8)) }
    }

    func finish() {
        if interactive && !last.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
