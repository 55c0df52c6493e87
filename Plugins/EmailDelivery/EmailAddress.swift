import Foundation

/// One mailbox: an address and, optionally, the name shown with it. Parsed from
/// `alice@example.com`, `Alice Liddell <alice@example.com>` or `"Liddell, Alice" <alice@example.com>`.
///
/// Addresses are checked the way an SMTP server would read them (RFC 5321 dot-atoms, a domain with
/// a dot); names may be any Unicode text without line breaks — they are encoded for the header.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// `local@domain`, as the envelope carries it.
    public let address: String
    /// The display name, if any.
    public let name: String?

    /// Throws `EmailAddress.Problem` saying what is wrong with `text`.
    public init(parsing text: String) throws(Problem) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.contains(where: \.isNewline) else { throw Problem("contains a line break") }
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
            self.name = name.isEmpty ? nil : name
            self.address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        } else {
            self.name = nil
            self.address = trimmed
        }
        if let problem = Self.problem(with: address) { throw Problem(problem) }
    }

    /// The address as it is shown: `Name <address>` or the bare address.
    public var description: String { name.map { "\($0) <\(address)>" } ?? address }

    /// Why `address` is not a deliverable mailbox, or `nil`.
    static func problem(with address: String) -> String? {
        guard let at = address.lastIndex(of: "@") else { return "has no @" }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard address.allSatisfy(\.isASCII) else { return "has non-ASCII characters (internationalized addresses are not supported)" }
        guard !local.isEmpty, local.count <= 64 else { return "the part before @ must be 1 to 64 characters" }
        let atomCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-")
        let atoms = local.split(separator: ".", omittingEmptySubsequences: false)
        guard atoms.allSatisfy({ !$0.isEmpty && $0.allSatisfy(atomCharacters.contains) }) else {
            return "the part before @ has a character or dot that needs quoting"
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard domain.count <= 253, labels.count >= 2, labels.allSatisfy({ label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }) else { return "the domain is not a host name such as example.com" }
        return nil
    }

    /// What is wrong with an address, in words.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
