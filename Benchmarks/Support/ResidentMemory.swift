import Foundation

/// The process's resident set from /proc: now, and the high-water mark since the last reset.
public enum ResidentMemory {
    public static var current: Int { field("VmRSS:") }
    public static var peak: Int { field("VmHWM:") }

    /// Writing 5 to clear_refs resets VmHWM to the current RSS.
    public static func resetPeak() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }

    /// Another process's resident set (a server under test).
    public static func current(of pid: Int32) -> Int { field("VmRSS:", pid: String(pid)) }

    private static func field(_ name: String, pid: String = "self") -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) })
        else { return 0 }
        return (Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0) * 1024
    }
}
