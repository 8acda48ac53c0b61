import Foundation
import Hummingbird

/// Authenticates every `/v1` request: `Authorization: Bearer TOKEN`, or for a GET the status
/// page's `batchscore_token` cookie (HttpOnly, SameSite=Strict). A missing, unknown or revoked
/// token is a 401; which scope a route needs, the route says (`require`).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let store: JobStore

    /// The cookie the status page sets.
    static let cookieName = "batchscore_token"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        guard let presented = Self.presentedToken(request) else {
            throw Problem.unauthorized("this request carries no token")
        }
        guard let token = try await store.token(hash: APITokens.hash(presented)) else {
            throw Problem.unauthorized("the token is unknown or revoked")
        }
        context.token = token
        return try await next(request, context)
    }

    /// The token a request presents: the bearer header, else (GET/HEAD only) the cookie.
    static func presentedToken(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            let token = parts[1].trimmingCharacters(in: .whitespaces)
            return token.isEmpty ? nil : token
        }
        if request.method == .get || request.method == .head, let cookie = request.cookies[cookieName]?.value, !cookie.isEmpty {
            return cookie
        }
        return nil
    }
}

/// Logs each request once, as JSON with its id, method, path (never the query: a status-page
/// link may carry a token), status and time, and records it in the HTTP latency histogram by
/// route pattern.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let route = context.endpointPath ?? "unmatched"
            metrics.request(method: request.method.rawValue, route: route, status: status, seconds: seconds)
            context.logger.info("request", metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "route": "\(route)",
                "status": "\(status)", "ms": "\((seconds * 1e5).rounded() / 100)",
            ])
        }
        let response = try await next(request, context)
        status = Int(response.status.code)
        return response
    }
}
