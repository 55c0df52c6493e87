import Hummingbird

/// Requires `Authorization: Bearer <JWT>` and puts the token's identity in the context; no
/// or bad token → 401 in the API's error shape.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let tokens: TokenAuthority

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { throw APIError.unauthorized }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(.unauthorized, "unauthorized", "Authorization must be 'Bearer <token>'")
        }
        let identity: Identity
        do throws(TokenRejection) {
            identity = try await tokens.verify(String(parts[1]))
        } catch {
            throw APIError(.unauthorized, "unauthorized", error.description)
        }
        var context = context
        context.identity = identity
        return try await next(request, context)
    }
}
