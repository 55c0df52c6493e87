public import Conveyor
import Foundation

extension NewJob {
    /// `count` Diagnostics `sleep` jobs of `ms` each, with attempts to spare: the work the
    /// process tests hand to real `conveyor worker`s, kill and restart under.
    public static func sleeps(_ count: Int, ms: Int) -> [NewJob] {
        (0..<count).map { _ in NewJob(type: "sleep", payload: Data(#"{"ms":\#(ms)}"#.utf8), maxAttempts: 5) }
    }
}
