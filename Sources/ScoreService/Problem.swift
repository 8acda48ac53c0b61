import Foundation
import Hummingbird
import ScoreCore

/// An error answered as `application/problem+json` (RFC 9457): `type`, `title`, `status`,
/// `detail`, and where they help, `hint`, `errors` (a spec's problems, each with its
/// `job.yaml:line:col`) and `retry_after`.
struct Problem: HTTPResponseError {
    var status: HTTPResponse.Status
    var title: String
    var detail: String
    var hint: String?
    /// A job spec's problems, one per entry.
    var errors: [SpecProblem] = []
    /// Seconds until a retry may succeed (429), also sent as `Retry-After`.
    var retryAfter: Int?

    struct SpecProblem: Codable, Equatable {
        var location: String?
        var key: String?
        var message: String
        var hint: String?
    }

    init(status: HTTPResponse.Status, title: String, detail: String, hint: String? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
        self.hint = hint
    }

    static func unauthorized(_ detail: String) -> Problem {
        Problem(status: .unauthorized, title: "Unauthorized", detail: detail,
                hint: "send `Authorization: Bearer TOKEN` with a token from `batchscore-server token create`")
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, title: "Not Found", detail: detail)
    }

    static func badRequest(_ detail: String, hint: String? = nil) -> Problem {
        Problem(status: .badRequest, title: "Bad Request", detail: detail, hint: hint)
    }

    static func tooLarge(_ detail: String) -> Problem {
        Problem(status: .contentTooLarge, title: "Content Too Large", detail: detail,
                hint: "the server's limits are max_spec_bytes and max_upload_bytes in its config")
    }

    static func conflict(_ detail: String, hint: String? = nil) -> Problem {
        Problem(status: .conflict, title: "Conflict", detail: detail, hint: hint)
    }

    /// A job spec that does not check: 422 with every problem.
    static func invalidSpec(_ errors: JobSpecErrors, redact: (String) -> String = { $0 }) -> Problem {
        var problem = Problem(status: .unprocessableContent, title: "Invalid job spec",
                              detail: redact(errors.errors.count == 1 ? errors.errors[0].description
                                             : "\(errors.errors.count) problems in the job spec"))
        problem.errors = errors.errors.map {
            SpecProblem(location: $0.location.map { redact("\($0)") }, key: $0.keyPath.isEmpty ? nil : $0.keyPath,
                        message: redact($0.message), hint: $0.hint.map(redact))
        }
        return problem
    }

    private struct Body: Encodable {
        var type = "about:blank"
        var title: String
        var status: Int
        var detail: String
        var hint: String?
        var errors: [SpecProblem]?
        var retry_after: Int?
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(title: title, status: Int(status.code), detail: detail, hint: hint,
                        errors: errors.isEmpty ? nil : errors, retry_after: retryAfter)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"batchscore\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: ServiceJSON.encode(body))))
    }
}

/// Turns every error a route throws — ours, Hummingbird's (an unknown route, a body over a
/// limit) or an unexpected one — into problem+json, so no client ever parses an HTML or empty
/// error. Unexpected errors are logged with the request id and answered 500 without internals.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let error as HTTPError {
            let problem: Problem
            switch error.status {
            case .notFound: problem = .notFound(error.body ?? "no such route: \(request.method) \(request.uri.path)")
            case .contentTooLarge: problem = .tooLarge(error.body ?? "the request body is too large")
            default: problem = Problem(status: error.status, title: error.status.reasonPhrase, detail: error.body ?? error.status.reasonPhrase)
            }
            return try problem.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            // Our other answers (a 416 with its Content-Range) render themselves as problem+json.
            return try error.response(from: request, context: context)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            return try Problem(status: .internalServerError, title: "Internal Server Error",
                               detail: "the server failed to answer this request; its log has the details under this request's id")
                .response(from: request, context: context)
        }
    }
}

/// The service's one JSON style: snake_case keys as declared, sorted, no escaped slashes.
enum ServiceJSON {
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own plain structs cannot fail; an empty object beats a crash if it ever did.
        return (try? [UInt8](encoder.encode(value))) ?? Array("{}".utf8)
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }
}
