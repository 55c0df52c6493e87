import Hummingbird

/// 429 with `Retry-After` once a user spends their bucket (``RateLimiter``).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        if let identity = context.identity, let wait = limiter.delay(for: identity.subject) {
            throw APIError(.tooManyRequests, "rate_limited", "Too many requests; try again in \(wait)s", headers: [.retryAfter: String(wait)])
        }
        return try await next(request, context)
    }
}
