/// Invalid settings, as the lines shown to the operator at start: each names the setting, the
/// problem, and what is allowed. Plugins that read their own settings throw it with every
/// problem they found, so a command prints them all at once instead of stopping at the first.
public struct ConfigurationProblem: Error, Sendable, CustomStringConvertible {
    /// One line per bad setting.
    public let lines: [String]

    public init(lines: [String]) {
        self.lines = lines
    }

    public init(line: String) {
        self.init(lines: [line])
    }

    /// The lines, one per row.
    public var description: String { lines.joined(separator: "\n") }
}
