import Foundation

/// The process's resident set from /proc: now, and the high-water mark since the last reset.
public enum ResidentMemory {
    public static var current: Int { field("VmRSS:") }
    public static var peak: Int { field("VmHWM:") }

    /// Writing 5 to clear_refs resets VmHWM to the current RSS.
    public static func resetPeak() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }

    private static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) })
        else { return 0 }
        return (Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0) * 1024
    }
}
