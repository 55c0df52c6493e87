import ConveyorCurl
import Foundation
import Synchronization

/// The Telegram Bot API test double (`Tests/Fixtures/telegram/bot_api_double.py`): parses each
/// `sendVideo` multipart body and answers as the Bot API documents — by default success, or the
/// answers a test scripts for its token. Each test takes a token of its own, so tests running at
/// once do not see each other's requests.
public final class BotAPIDouble: Sendable {
    /// One scripted answer.
    public struct Answer: Encodable, Sendable {
        public var status: Int
        public var retryAfter: Int?
        public var migrateToChatId: Int64?
        public var description: String?
        /// Seconds the double waits, after recording the request, before it answers.
        public var hold: Double?

        public static let tooLarge = Answer(status: 413)
        /// nginx's HTML 502 page, as Telegram's front end sends it.
        public static let badGateway = Answer(status: 502)
        public static func rateLimited(retryAfter seconds: Int) -> Answer { Answer(status: 429, retryAfter: seconds) }
        public static func migrated(to chat: Int64) -> Answer { Answer(status: 400, migrateToChatId: chat) }
        public static func refused(_ status: Int, _ description: String) -> Answer { Answer(status: status, description: description) }
        /// Success, sent only `seconds` after the whole request arrived.
        public static func held(_ seconds: Double) -> Answer { Answer(status: 200, hold: seconds) }

        enum CodingKeys: String, CodingKey {
            case status, description, hold
            case retryAfter = "retry_after"
            case migrateToChatId = "migrate_to_chat_id"
        }
    }

    /// What one request carried, as the double parsed it.
    public struct Request: Decodable, Sendable {
        public struct File: Decodable, Sendable {
            public var filename: String
            public var type: String
            public var size: Int
            public var sha256: String
            /// The first four bytes, hex.
            public var head: String
        }

        /// Seconds since 1970, when the request arrived.
        public var time: Double
        public var method: String
        /// Body size in bytes.
        public var size: Int
        /// Text fields by name.
        public var fields: [String: String]
        /// File parts by part name.
        public var files: [String: File]
        /// The HTTP status it was answered with.
        public var answer: Int
    }

    private let server: ScriptServer
    private static let shared = StartOnce { BotAPIDouble(server: try ScriptServer(script: "telegram/bot_api_double.py")) }
    private static let tokens = Atomic<Int>(0)

    /// One double per test process.
    public static func start() async throws -> BotAPIDouble {
        try await shared.value()
    }

    private init(server: ScriptServer) {
        self.server = server
    }

    /// What `TELEGRAM_API_URL` is set to.
    public var apiURL: String { server.url("") }

    /// A fresh token the double accepts, answering `answers` first and success after them.
    public func token(answering answers: [Answer] = []) async throws -> String {
        let number = Self.tokens.add(1, ordering: .relaxed).newValue
        let token = "\(7_000_000_000 + number):AAH\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
        struct Script: Encodable { var token: String; var answers: [Answer] }
        var request = CurlRequest(url: server.url("/control/script"))
        request.body = .bytes(Array(try JSONEncoder().encode(Script(token: token, answers: answers))), contentType: "application/json")
        let response = try await CurlClient().perform(request)
        guard response.status == 200 else { throw ScriptServer.StartError(description: "the Bot API double refused the script") }
        return token
    }

    /// Every request made with `token`, in order.
    public func requests(token: String) async throws -> [Request] {
        let query = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
        let response = try await CurlClient().perform(CurlRequest(url: server.url("/control/requests?token=\(query)")))
        return try JSONDecoder().decode([Request].self, from: Data(response.body))
    }
}
