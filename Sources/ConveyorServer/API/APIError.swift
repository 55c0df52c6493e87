public import Conveyor
import ConveyorAPI
public import HTTPTypes
public import Hummingbird

/// An error as the API reports it: a status and `{"error": {"code", "message"}}`. Handlers
/// throw these (or `ConveyorError`, mapped by ``init(_:)``) so every failure has one shape.
public struct APIError: Error, Sendable, Hashable {
    /// The HTTP status (400, 401, 403, 404, 405, 409, 413, 429, 503…).
    public var status: HTTPResponse.Status
    /// A stable snake_case code clients can branch on (`queue_full`, `invalid_input`).
    public var code: String
    /// A sentence for people, naming the field and the problem.
    public var message: String
    /// Extra headers, e.g. `Retry-After` on 429 and 503.
    public var headers: HTTPFields

    /// An error with its status, code and message (and headers such as `Retry-After`).
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// The status a runtime or store error maps to.
    public init(_ error: ConveyorError) {
        let status: HTTPResponse.Status = switch error.code {
        case .unknownJobType, .invalidPayload, .invalidInput, .flowCycle: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .queueFull, .shuttingDown, .storeUnavailable: .serviceUnavailable
        case .tooManyJobs: .tooManyRequests
        default: .internalServerError
        }
        self.init(status, error.code.rawValue, error.message)
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "invalid_input", message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, "not_found", message) }
    static let unauthorized = APIError(.unauthorized, "unauthorized", "A bearer token is required (Authorization: Bearer <JWT>)")
    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, "forbidden", message) }
    static let adminOnly = APIError(.forbidden, "forbidden", "Only admins may do this")
    static let shuttingDown = APIError(.serviceUnavailable, "shutting_down", "The server is shutting down and accepts no new jobs", headers: [.retryAfter: "5"])
}

extension APIError: ResponseGenerator {
    /// The `{"error": {"code", "message"}}` body with the status and headers.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONBody.response(APIErrorBody(code: code, message: message), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}
