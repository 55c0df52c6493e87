public import Configuration
public import Conveyor
import Foundation

/// How the upload stage reaches the Bot API: the bot's token, the API's address (Telegram's, or
/// a local Bot API server), and the largest video it accepts.
public struct TelegramConfiguration: Sendable {
    /// Telegram's own Bot API.
    public static let publicAPI = "https://api.telegram.org"
    /// What the public Bot API accepts from bots: 50 MB.
    public static let publicUploadLimit = 50_000_000
    /// What a local Bot API server (`telegram-bot-api --local`) accepts: 2000 MB.
    public static let localUploadLimit = 2_000_000_000

    /// The bot's token; it goes into the request path and nowhere else.
    public var token: TelegramBotToken
    /// The API's base URL, without the `/bot<token>` part.
    public var apiURL: String
    /// Videos larger than this fail permanently before they are uploaded (and, in the
    /// `video-to-telegram` pipeline, before they are downloaded when the size is announced).
    public var maxUpload: Int
    /// Connection setup limit (DNS, TCP, TLS) for each attempt.
    public var connectTimeout: Duration
    /// How long the API may stay silent — while the upload stalls, or while Telegram processes a
    /// large video before it answers — before the attempt is abandoned (retryably).
    public var silenceTimeout: Duration

    /// - Parameter maxUpload: defaults to 50 MB for the public API and 2000 MB for any other
    ///   `apiURL` (a local Bot API server).
    public init(
        token: TelegramBotToken, apiURL: String = publicAPI, maxUpload: Int? = nil, connectTimeout: Duration = .seconds(15),
        silenceTimeout: Duration = .seconds(120)
    ) {
        self.token = token
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.maxUpload = maxUpload ?? (self.apiURL == Self.publicAPI ? Self.publicUploadLimit : Self.localUploadLimit)
        self.connectTimeout = connectTimeout
        self.silenceTimeout = silenceTimeout
    }

    /// Reads `botToken`, `apiUrl` and `maxUpload` under `scope`. `nil` when no token is set
    /// (the Telegram pipeline is then not offered); every bad value is one problem, named by its
    /// key — the token's value never is part of one.
    public static func from(config: ConfigReader, scope: [String] = ["telegram"]) throws(ConfigurationProblem) -> TelegramConfiguration? {
        var settings = SettingsReader(config, scope: scope)
        var apiURL = publicAPI
        if let text = settings.text("apiUrl") {
            if let problem = problem(withAPIURL: text) { settings.report("apiUrl", problem) } else { apiURL = text }
        }
        var maxUpload: Int?
        if let text = settings.text("maxUpload") {
            if let bytes = ByteCount.parse(text), bytes > 0 {
                maxUpload = bytes
            } else {
                settings.report("maxUpload", "'\(text)' is not a size such as 50MB or 2000MB")
            }
        }
        var token: TelegramBotToken?
        if let text = settings.text("botToken", isSecret: true) {
            token = TelegramBotToken(text)
            if token == nil { settings.report("botToken", "not a bot token (expected the form 123456789:AAH… that @BotFather gives)") }
        }
        try settings.check()
        return token.map { TelegramConfiguration(token: $0, apiURL: apiURL, maxUpload: maxUpload) }
    }

    /// The API URL must be http(s) with a host and nothing after the path (no query, no fragment).
    private static func problem(withAPIURL text: String) -> String? {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else { return "'\(text)' is not an http(s) URL such as https://api.telegram.org or http://localhost:8081" }
        guard url.query == nil, url.fragment == nil, url.user == nil else {
            return "'\(text)' must not carry a query, fragment or credentials"
        }
        return nil
    }
}
