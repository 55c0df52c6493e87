import Conveyor
import Foundation
/// Makes URLs safe to show: userinfo and query values become `***`, and so does every
/// secret a caller names (the Telegram bot token sits in the URL path). A very long URL is
/// cut, so an error never echoes a 200 KB address back whole.
public enum URLRedaction {
    public static func redact(_ url: String, secrets: [String] = []) -> String {
        var text = url
        if let schemeEnd = text.range(of: "://") {
            let authorityEnd = text[schemeEnd.upperBound...].firstIndex { "/?#".contains($0) } ?? text.endIndex
            if let at = text[schemeEnd.upperBound..<authorityEnd].lastIndex(of: "@") {
                text.replaceSubrange(schemeEnd.upperBound..<at, with: "***")
            }
        }
        if let question = text.firstIndex(of: "?") {
            let fragmentStart = text[question...].firstIndex(of: "#") ?? text.endIndex
            let query = text[text.index(after: question)..<fragmentStart].split(separator: "&").map { pair in
                pair.contains("=") ? "\(pair.prefix { $0 != "=" })=***" : String(pair)
            }
            text.replaceSubrange(text.index(after: question)..<fragmentStart, with: query.joined(separator: "&"))
        }
        return MessageText.cut(redactSecrets(in: text, secrets), limit: 300)
    }

    /// Replaces every occurrence of each non-empty secret with `***`.
    public static func redactSecrets(in text: String, _ secrets: [String]) -> String {
        secrets.filter { !$0.isEmpty }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}
