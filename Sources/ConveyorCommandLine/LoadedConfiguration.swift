import Configuration
import Conveyor

/// What a command read: the reader the library's configuration types take, the values the
/// command line uses itself (in environment form), and where each setting came from — so a
/// problem is named the way the operator wrote it: `--port`, `CONVEYOR_PORT`, or the file's key.
struct LoadedConfiguration {
    let reader: ConfigReader
    /// `CONVEYOR_STORE`, `CONVEYOR_JWT_SECRET`, `CONVEYOR_LOG_LEVEL` and `CONVEYOR_CONFIG` (the file read).
    let values: [String: String]
    /// Flags given, in environment form.
    let flags: [String: String]
    let environment: [String: String]
    /// The config file read, if any.
    let file: String?

    /// The flags that stand for settings.
    private static let flagNames = [
        "CONVEYOR_STORE": "--store", "CONVEYOR_HOST": "--host", "CONVEYOR_PORT": "--port", "CONVEYOR_WORKERS": "--workers",
    ]

    /// A setting's name as given: the flag, the environment variable, or the file and its key.
    func name(of key: [String]) -> String {
        let variable = SettingProblem.environmentVariable(for: key)
        if flags[variable] != nil { return Self.flagNames[variable] ?? variable }
        if environment[variable] != nil { return variable }
        if let file { return "\(file): \(key.joined(separator: "."))" }
        return variable
    }

    /// A library problem as a line naming the setting the operator wrote.
    func line(_ problem: SettingProblem) -> String {
        problem.key.isEmpty ? problem.message : "\(name(of: problem.key)): \(problem.message)"
    }
}
