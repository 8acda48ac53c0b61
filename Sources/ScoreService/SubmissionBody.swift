import Foundation
import Hummingbird
import MultipartKit
import ScoreRuntime

/// A `POST /v1/jobs` body: the job spec, and the uploaded input when the body is multipart.
/// A YAML body (`application/yaml`) is the spec; `multipart/form-data` has a `spec` part and
/// an optional `input` part, which is streamed to the job's `input/` folder as it arrives (never
/// held whole) and hashed on the way for the content key. Sizes are checked as bytes arrive.
struct SubmissionBody {
    var specText: String
    /// The uploaded input: where it was stored, its SHA-256 and size.
    var upload: (path: String, sha256: String, bytes: Int64)?

    /// Reads the body of `request`; an upload goes under `inputFolder`. Throws a `Problem` for a
    /// body the API does not take (400, 413, 415); the caller removes `inputFolder` then.
    static func read(_ request: Request, config: ServeConfiguration, inputFolder: String) async throws -> SubmissionBody {
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let declaredLength = request.headers[.contentLength].flatMap { Int64($0) }
        switch mediaType {
        case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml":
            if let declaredLength, declaredLength > Int64(config.maxSpecBytes) {
                throw Problem.tooLarge("the job spec is \(declaredLength) bytes; this server takes up to \(config.maxSpecBytes)")
            }
            var collected: [UInt8] = []
            for try await chunk in request.body {
                collected += chunk.readableBytesView
                if collected.count > config.maxSpecBytes {
                    throw Problem.tooLarge("the job spec is over this server's \(config.maxSpecBytes)-byte limit")
                }
            }
            return SubmissionBody(specText: try text(collected), upload: nil)
        case "multipart/form-data":
            if let declaredLength, declaredLength > config.maxUploadBytes + Int64(config.maxSpecBytes) + 65536 {
                throw Problem.tooLarge("the request is \(declaredLength) bytes; this server takes uploads up to \(config.maxUploadBytes)")
            }
            guard let boundary = parameter("boundary", in: contentType), !boundary.isEmpty, boundary.utf8.count <= 200 else {
                throw Problem.badRequest("a multipart body needs a boundary in its Content-Type")
            }
            return try await readMultipart(request.body, boundary: boundary, config: config, inputFolder: inputFolder)
        default:
            throw Problem(status: .unsupportedMediaType, title: "Unsupported Media Type",
                          detail: mediaType.isEmpty ? "the request has no Content-Type" : "cannot read a \(mediaType) body",
                          hint: "send the job spec as application/yaml, or multipart/form-data with a `spec` part and an `input` file part")
        }
    }

    private static func text(_ bytes: [UInt8]) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Problem.badRequest("the job spec is not UTF-8 text") }
        return text
    }

    /// A `key=value` (or `key="value"`) parameter of a header value.
    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// What the multipart callbacks fill, part by part.
    private final class Parts {
        var headers: [(String, String)] = []
        var current: Part?
        var spec: [UInt8]?
        var upload: Upload?
        var problem: Problem?
        let config: ServeConfiguration
        let inputFolder: String

        enum Part { case spec([UInt8]), input(Upload), ignored }

        final class Upload {
            let path: String
            let handle: FileHandle
            var sha = SHA256()
            var bytes: Int64 = 0
            var pending: [UInt8] = []
            /// Set when the part's closing boundary arrived: a body cut short leaves it false.
            var complete = false
            init(path: String, handle: FileHandle) {
                self.path = path
                self.handle = handle
            }
            func flush() throws {
                guard !pending.isEmpty else { return }
                try handle.write(contentsOf: pending)
                pending.removeAll(keepingCapacity: true)
            }
        }

        init(config: ServeConfiguration, inputFolder: String) {
            self.config = config
            self.inputFolder = inputFolder
        }

        func beginPartIfNeeded() {
            guard current == nil, problem == nil else { return }
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
            let name = SubmissionBody.parameter("name", in: disposition)
            switch name {
            case "spec":
                if spec != nil { problem = .badRequest("the body has two `spec` parts") } else { current = .spec([]) }
            case "input":
                if upload != nil { problem = .badRequest("the body has two `input` parts; a job takes one input file"); return }
                let file = inputFolder + "/" + JobFolders.uploadName(SubmissionBody.parameter("filename", in: disposition))
                do {
                    try FileManager.default.createDirectory(atPath: inputFolder, withIntermediateDirectories: true)
                    guard FileManager.default.createFile(atPath: file, contents: nil), let handle = FileHandle(forWritingAtPath: file) else {
                        problem = Problem(status: .internalServerError, title: "Internal Server Error", detail: "cannot store the upload")
                        return
                    }
                    let upload = Upload(path: file, handle: handle)
                    self.upload = upload
                    current = .input(upload)
                } catch {
                    problem = Problem(status: .internalServerError, title: "Internal Server Error", detail: "cannot store the upload")
                }
            default:
                problem = .badRequest("unknown part `\(name ?? "")`", hint: "the parts are `spec` (the job YAML) and `input` (a file)")
            }
        }

        func body(_ buffer: inout ByteBuffer) {
            beginPartIfNeeded()
            guard problem == nil, let current else { return }
            switch current {
            case .spec(var bytes):
                bytes += buffer.readableBytesView
                if bytes.count > config.maxSpecBytes {
                    problem = .tooLarge("the job spec is over this server's \(config.maxSpecBytes)-byte limit")
                }
                self.current = .spec(bytes)
            case .input(let upload):
                buffer.withUnsafeReadableBytes { upload.sha.update($0) }
                upload.bytes += Int64(buffer.readableBytes)
                if upload.bytes > config.maxUploadBytes {
                    problem = .tooLarge("the upload is over this server's \(config.maxUploadBytes)-byte limit")
                    return
                }
                upload.pending += buffer.readableBytesView
                if upload.pending.count >= 1 << 20 {
                    do { try upload.flush() } catch {
                        problem = Problem(status: .init(code: 507, reasonPhrase: "Insufficient Storage"), title: "Insufficient Storage", detail: "cannot store the upload: \(error)")
                    }
                }
            case .ignored:
                break
            }
        }

        func partComplete() {
            beginPartIfNeeded()
            if case .spec(let bytes) = current { spec = bytes }
            if case .input(let upload) = current { upload.complete = true }
            current = nil
            headers = []
        }
    }

    private static func readMultipart(_ body: RequestBody, boundary: String, config: ServeConfiguration,
                                      inputFolder: String) async throws -> SubmissionBody {
        let parser = MultipartParser(boundary: boundary)
        let parts = Parts(config: config, inputFolder: inputFolder)
        parser.onHeader = { name, value in parts.headers.append((name, value)) }
        parser.onBody = { buffer in parts.body(&buffer) }
        parser.onPartComplete = { parts.partComplete() }
        defer { try? parts.upload?.handle.close() }
        for try await chunk in body {
            do { try parser.execute(chunk) } catch {
                throw Problem.badRequest("the multipart body is malformed", hint: "check the boundary and the part headers")
            }
            if let problem = parts.problem { throw problem }
        }
        if let problem = parts.problem { throw problem }
        guard let spec = parts.spec else {
            throw Problem.badRequest("the multipart body has no `spec` part", hint: "send the job YAML as a part named `spec`")
        }
        var upload: (String, String, Int64)?
        if let stored = parts.upload {
            guard stored.complete else {
                throw Problem.badRequest("the multipart body ends inside the `input` part", hint: "the upload was cut short; send it again")
            }
            do {
                try stored.flush()
                try stored.handle.synchronize()
            } catch {
                throw Problem(status: .init(code: 507, reasonPhrase: "Insufficient Storage"), title: "Insufficient Storage", detail: "cannot store the upload: \(error)")
            }
            upload = (stored.path, stored.sha.finalizeHex(), stored.bytes)
        }
        return SubmissionBody(specText: try text(spec), upload: upload)
    }
}
