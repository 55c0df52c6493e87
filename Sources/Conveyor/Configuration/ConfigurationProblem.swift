/// Invalid settings, every one found at once (a command prints them all instead of stopping at
/// the first). Each names its setting by its key in the configuration (`telegram.maxUpload`):
/// the library does not know whether it came from a file, a flag or the environment — the
/// command that read them does, and names it the way the operator wrote it.
public struct ConfigurationProblem: Error, Sendable, CustomStringConvertible {
    /// One per bad setting.
    public let problems: [SettingProblem]

    public init(_ problems: [SettingProblem]) {
        self.problems = problems
    }

    public init(key: [String], _ message: String) {
        self.init([SettingProblem(key: key, message)])
    }

    /// The lines as the library names the settings: `telegram.maxUpload: '5XB' is not a size…`.
    public var lines: [String] { problems.map(\.description) }

    public var description: String { lines.joined(separator: "\n") }
}
