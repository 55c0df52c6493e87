public import Conveyor
import Foundation

/// Passwords from a libpq password file (`PGPASSFILE`, or `~/.pgpass`): one
/// `hostname:port:database:username:password` per line, `*` matching any value, `\` escaping `:`
/// and `\`, `#` starting a comment. URLs that are stored or shown — an `etl` job's payload, a
/// command line — can then leave the password out, and each password is tied to the server it
/// belongs to, so a URL naming any other host never receives it.
public struct PostgresPassFile: Sendable, Hashable {
    private var entries: [[String]]

    /// Parses the file's text; lines without five fields are ignored, as libpq does.
    public init(contents: String) {
        entries = contents.split(whereSeparator: \.isNewline).compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = Self.fields(line)
            return fields.count == 5 ? fields : nil
        }
    }

    /// The file `environment` points at (`PGPASSFILE`, else `$HOME/.pgpass`); `nil` when there is
    /// none. Like libpq, a file others may read is not used: that is a problem naming it.
    public static func load(environment: [String: String]) throws(ConveyorError) -> PostgresPassFile? {
        guard let path = path(environment: environment), let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw ConveyorError(.invalidConfiguration, "PGPASSFILE: \(path) may be read by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConveyorError(.invalidConfiguration, "PGPASSFILE: \(path) cannot be read as UTF-8 text")
        }
        return PostgresPassFile(contents: contents)
    }

    /// Where `environment` says the file is (`PGPASSFILE`, else `$HOME/.pgpass`), whether or not
    /// it exists; `nil` when neither is set.
    public static func path(environment: [String: String]) -> String? {
        if let file = environment["PGPASSFILE"], !file.isEmpty { return file }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.pgpass" }
        return nil
    }

    /// The password of the first line matching the server, port, database and user.
    public func password(for options: PostgresStoreOptions) -> String? {
        let wanted = [options.host, String(options.port), options.database, options.username]
        return entries.first { entry in zip(entry, wanted).allSatisfy { $0 == "*" || $0 == $1 } }?[4]
    }

    /// `options` with the file's password when the URL has none.
    public func filling(_ options: PostgresStoreOptions) -> PostgresStoreOptions {
        guard options.password == nil, let password = password(for: options) else { return options }
        var filled = options
        filled.password = password
        return filled
    }

    private static func fields(_ line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
