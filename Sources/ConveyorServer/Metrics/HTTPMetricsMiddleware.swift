import CoreMetrics
import Hummingbird
import Metrics
import Prometheus

/// Counts requests and times them by method, matched route (not raw path, so ids do not
/// explode the label set) and status.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let factory: PrometheusMetricsFactory

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        let dimensions = [("method", request.method.rawValue), ("route", route), ("status", String(response.status.code))]
        Counter(label: "conveyor_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Timer(label: "conveyor_http_request_duration_seconds", dimensions: [("method", request.method.rawValue), ("route", route)], factory: factory)
            .recordNanoseconds((ContinuousClock.now - start).nanoseconds)
        return response
    }
}
