import Conveyor
import Hummingbird
import Logging

/// Turns whatever a route throws into `{"error": {"code", "message"}}` with a fitting status.
/// Unexpected errors become a 500 whose message says nothing internal; the log has the detail.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as ConveyorError {
            return try APIError(error).response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = OpenAPIDocument.methods(for: request.uri.path) else { return try APIError(error).response(from: request, context: context) }
            let joined = allowed.joined(separator: ", ")
            return try APIError(.methodNotAllowed, "method_not_allowed", "\(request.method.rawValue) is not allowed here; use \(joined)", headers: [.allow: joined])
                .response(from: request, context: context)
        } catch let error as HTTPError {
            return try APIError(error).response(from: request, context: context)
        } catch {
            context.logger.error("Request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return try APIError(.internalServerError, "internal_error", "The server could not complete the request").response(from: request, context: context)
        }
    }
}

extension APIError {
    /// Hummingbird's own errors (no route, wrong method, body too large) in the API's shape.
    init(_ error: HTTPError) {
        switch error.status {
        case .notFound: self = .notFound("No such endpoint")
        case .methodNotAllowed: self.init(.methodNotAllowed, "method_not_allowed", "This endpoint does not take that method")
        case .contentTooLarge: self.init(.contentTooLarge, "body_too_large", "The request body is too large")
        default: self.init(error.status, "http_error", error.body ?? error.status.reasonPhrase)
        }
    }
}
