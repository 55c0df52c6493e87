public import Foundation

/// One field of a row as it moves through a job: text from a file until a `cast` makes it a
/// number, a boolean or a date; `null` for empty CSV fields, JSON nulls and SQL NULLs.
public enum ETLValue: Sendable, Hashable {
    case null
    case text(String)
    case integer(Int64)
    case real(Double)
    case boolean(Bool)
    /// A calendar date or instant, written as ISO 8601.
    case date(Date)

    /// How the value is shown in reasons and text outputs.
    var text: String? {
        switch self {
        case .null: nil
        case .text(let text): text
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .boolean(let value): value ? "true" : "false"
        case .date(let date): ETLValue.iso8601(date)
        }
    }

    /// `2026-11-23` for midnight UTC, the full instant otherwise.
    static func iso8601(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        if seconds.truncatingRemainder(dividingBy: 86_400) == 0 {
            return CivilDate(daysSince1970: Int(seconds / 86_400)).description
        }
        return date.formatted(.iso8601)
    }
}
