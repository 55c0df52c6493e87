import Conveyor
import Foundation

/// Shows one job's progress on stderr: on a terminal a bar redrawn in place (stage, percent,
/// message); otherwise plain lines, one per stage and per 10 %, so logs stay readable.
struct ProgressDisplay {
    let jobID: JobID
    private let isTerminal = isatty(STDERR_FILENO) == 1

    init(jobID: JobID) {
        self.jobID = jobID
    }

    /// Follows the job's events until it ends.
    func follow(_ events: AsyncStream<JobEvent>) async {
        var shown = JobProgress.zero
        var lastLine: (stage: String?, tenth: Int)?
        var barOnScreen = false
        for await event in events {
            switch event {
            case .progress(let update) where update.jobID == jobID:
                shown = update.progress
                if isTerminal {
                    draw(shown)
                    barOnScreen = true
                } else if let message = shown.message, lastLine?.stage != shown.stage || lastLine?.tenth != Int(shown.percent) / 10 {
                    lastLine = (shown.stage, Int(shown.percent) / 10)
                    Self.say(String(format: "%3.0f%% %@: %@", shown.percent, shown.stage ?? "-", message))
                }
            case .stateChanged(let change) where change.jobID == jobID:
                if change.status == .completed && isTerminal { draw(JobProgress(percent: 100, stage: shown.stage, message: "Done")) }
                if barOnScreen { Self.say("") }
                barOnScreen = false
                if change.status.isTerminal { return }
                if change.status == .scheduled, let error = change.error { Self.say("Will try again: \(error.message)") }
            default:
                break
            }
        }
    }

    /// `[██████░░░░]  52%  download  Downloading 12.3/40.0 MB`, cut to the terminal's width.
    private func draw(_ progress: JobProgress) {
        let width = 24
        let filled = min(width, Int(progress.percent / 100 * Double(width)))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = String(format: "[%@] %3.0f%%  %@  %@", bar, progress.percent, progress.stage ?? "", progress.message ?? "")
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + String(line.prefix(Self.columns - 1))).utf8))
    }

    /// Writes a line to stderr.
    static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    private static var columns: Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 else { return 80 }
        return Int(size.ws_col)
    }
}
