import Hummingbird

/// What a request carries between the middlewares and its route: the token it was authenticated
/// with (nil before `AuthMiddleware`, and on the few public routes).
struct ServiceRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The token the request presented, once checked.
    var token: TokenRecord?

    init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies are read by the routes with their own limits (a spec, an upload streamed to disk);
    /// this bounds only what Hummingbird itself decodes.
    var maxUploadSize: Int { 1 << 20 }

    /// The token, or 401: for routes that `AuthMiddleware` guards.
    func requireToken() throws -> TokenRecord {
        guard let token else { throw Problem.unauthorized("a token is required") }
        return token
    }

    /// The token, when it holds `scope` (or `admin`), or 403.
    func require(_ scope: TokenScope) throws -> TokenRecord {
        let token = try requireToken()
        let scopes = token.scopeSet
        guard scopes.contains(scope) || scopes.contains(.admin) else {
            throw Problem(status: .forbidden, title: "Forbidden",
                          detail: "this token lacks the '\(scope.rawValue)' scope (it has: \(token.scopes))",
                          hint: "create a token with `batchscore-server token create --scope \(scope.rawValue)`")
        }
        return token
    }
}
