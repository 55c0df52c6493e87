import Foundation

/// Captions as Telegram accepts them: at most 1024 characters.
///
/// Telegram counts UTF-16 code units; counting those is never more lenient than counting
/// characters, so a fitted caption is always accepted. Plain captions that are too long are cut
/// at a grapheme boundary — an emoji or a flag is never split — and end with "…". A caption with
/// a parse mode is sent as given (cutting could break its markup, and Telegram counts only the
/// visible text); if it is still too long, Telegram's answer fails the job naming the caption.
public enum TelegramCaption {
    /// Telegram's caption limit, in UTF-16 code units.
    public static let limit = 1024

    /// `text` without surrounding whitespace, cut to the limit unless it has markup; `nil` when empty.
    public static func fit(_ text: String?, parseMode: TelegramParseMode?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        guard parseMode == nil, trimmed.utf16.count > limit else { return trimmed }
        let ellipsis: Character = "…"
        var kept = ""
        var units = ellipsis.utf16.count
        for character in trimmed {
            units += character.utf16.count
            if units > limit { break }
            kept.append(character)
        }
        return kept.trimmingCharacters(in: .whitespacesAndNewlines) + String(ellipsis)
    }
}
