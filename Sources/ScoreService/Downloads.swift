import Foundation
import Hummingbird

/// A job's file as a streamed download, with `Content-Length`, `Accept-Ranges` and a single
/// `Range: bytes=…` answered 206 (a range past the end is a 416; several ranges get the whole file).
enum Downloads {
    static func file(_ path: String, request: Request, context: ServiceRequestContext) async throws -> Response {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw Problem.notFound("the file is gone (deleted by the retention policy?)")
        }
        let size = Int(st.st_size)
        var headers: HTTPFields = [
            .contentType: contentType(of: path),
            .acceptRanges: "bytes",
            .contentDisposition: "attachment; filename=\"\(path.split(separator: "/").last ?? "download")\"",
        ]
        let io = FileIO()
        if let header = request.headers[.range] {
            switch parseRange(header, size: size) {
            case .whole:
                break
            case .unsatisfiable:
                headers[.contentRange] = "bytes */\(size)"
                throw RangeNotSatisfiable(size: size)
            case .range(let range):
                headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
                headers[.contentLength] = String(range.count)
                let body = try await io.loadFile(path: path, range: range, context: context)
                return Response(status: .partialContent, headers: headers, body: body)
            }
        }
        headers[.contentLength] = String(size)
        let body = try await io.loadFile(path: path, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }

    enum RangeAnswer: Equatable {
        case whole, unsatisfiable
        case range(ClosedRange<Int>)
    }

    /// One `bytes=a-b`, `bytes=a-` or `bytes=-n` range against a file of `size` bytes (RFC 9110 §14).
    static func parseRange(_ header: String, size: Int) -> RangeAnswer {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = trimmed.dropFirst(6)
        guard !spec.contains(",") else { return .whole }
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return .whole }
        if parts[0].isEmpty {
            guard let suffix = Int(parts[1]), suffix > 0 else { return .unsatisfiable }
            guard size > 0 else { return .unsatisfiable }
            return .range(max(0, size - suffix) ... size - 1)
        }
        guard let first = Int(parts[0]), first >= 0 else { return .whole }
        guard first < size else { return .unsatisfiable }
        if parts[1].isEmpty { return .range(first ... size - 1) }
        guard let last = Int(parts[1]), last >= first else { return .whole }
        return .range(first ... min(last, size - 1))
    }

    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last?.lowercased() {
        case "csv": "text/csv; charset=utf-8"
        case "jsonl", "ndjson": "application/x-ndjson"
        case "json": "application/json"
        case "parquet": "application/vnd.apache.parquet"
        default: "application/octet-stream"
        }
    }

    /// 416 with `Content-Range: bytes */SIZE`, as problem+json.
    struct RangeNotSatisfiable: HTTPResponseError {
        var size: Int
        var status: HTTPResponse.Status { .rangeNotSatisfiable }
        func response(from request: Request, context: some RequestContext) throws -> Response {
            var response = try Problem(status: .rangeNotSatisfiable, title: "Range Not Satisfiable",
                                       detail: "the file has \(size) bytes").response(from: request, context: context)
            response.headers[.contentRange] = "bytes */\(size)"
            return response
        }
    }
}

/// `GET /v1/jobs/{id}/events`: Server-Sent Events — `event: progress` with the job's JSON every
/// half second while it is queued or running, then one `event: end` with its final JSON.
enum JobEvents {
    static func stream(id: String, state: ServiceState) -> Response {
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            while true {
                guard let job = try await state.store.job(id: id) else { break }
                let view = JobView(job, live: state.board.get(id))
                let json = String(decoding: ServiceJSON.encode(view), as: UTF8.self)
                let event = job.state.isFinal ? "end" : "progress"
                try await writer.write(ByteBuffer(string: "event: \(event)\ndata: \(json)\n\n"))
                if job.state.isFinal { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            try await writer.finish(nil)
        })
    }
}
