import Foundation

/// The check a URL to fetch passes before anything is fetched (a video, an ETL source, an
/// image). Payloads that carry a URL call it while decoding, so a bad one is refused when the
/// job is enqueued, not minutes later. The address policy still applies when it is fetched.
public enum FetchableURL {
    /// Why `url` cannot be fetched, or `nil` when it can: it must be an absolute `http` or
    /// `https` URL with a host. The text shows the URL redacted.
    public static func problem(with url: String) -> String? {
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased() else {
            return "\"\(URLRedaction.redact(url))\" is not a valid URL"
        }
        guard scheme == "http" || scheme == "https" else {
            return "scheme \"\(scheme)\" is not allowed (only http and https)"
        }
        guard let host = parsed.host, !host.isEmpty else {
            return "\"\(URLRedaction.redact(url))\" has no host"
        }
        return nil
    }
}
