/// One bad setting: its full key (`["telegram", "maxUpload"]`) and what is wrong with it, naming
/// the value (never a secret's) and what is allowed. An empty key is a problem outside the
/// configuration (a file another program owns, such as PostgreSQL's password file), whose
/// message names it.
public struct SettingProblem: Sendable, Hashable, CustomStringConvertible {
    public var key: [String]
    public var message: String

    public init(key: [String], _ message: String) {
        self.key = key
        self.message = message
    }

    /// The variable swift-configuration's environment provider reads this key from
    /// (`["telegram", "maxUpload"]` → `TELEGRAM_MAX_UPLOAD`), for a command that names settings
    /// the way its operator sets them.
    public var environmentVariable: String { Self.environmentVariable(for: key) }

    public static func environmentVariable(for key: [String]) -> String {
        key.map { component in
            var name = ""
            var previous: Character?
            for character in component {
                if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { name.append("_") }
                name.append(character)
                previous = character
            }
            return name.uppercased()
        }.joined(separator: "_")
    }

    public var description: String { key.isEmpty ? message : "\(key.joined(separator: ".")): \(message)" }
}
