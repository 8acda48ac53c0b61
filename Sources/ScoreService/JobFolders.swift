import Foundation

/// Where a job's files live in the data folder: `jobs/ID/` holds `input/` (an upload), `out/`
/// (its predictions, quarantine and checkpoint, under the names the spec gives) and
/// `summary.json`. Nothing a request says decides a path here: the id is ours.
struct JobFolders: Sendable {
    let dataDirectory: String

    func folder(_ id: String) -> String { dataDirectory + "/jobs/" + id }
    func outputFolder(_ id: String) -> String { folder(id) + "/out" }
    func inputFolder(_ id: String) -> String { folder(id) + "/input" }
    func summary(_ id: String) -> String { folder(id) + "/summary.json" }

    /// A new job id: `job_` and 24 random hex digits.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "job_" + (0 ..< 12).map { _ in String(format: "%02x", UInt8.random(in: 0 ... 255, using: &generator)) }.joined()
    }

    /// True for ids of the form `newID` makes; anything else (`..`, `%2e`, a path) is no job's id.
    static func isValidID(_ id: String) -> Bool {
        id.utf8.count == 28 && id.hasPrefix("job_") && id.utf8.dropFirst(4).allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The file name an upload is stored under: the client's name reduced to its last part and
    /// to `[A-Za-z0-9._-]`, never hidden, never empty (`input`). It is a name, never a path.
    static func uploadName(_ clientName: String?) -> String {
        let last = (clientName ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let kept = String(last.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
            .map(Character.init).prefix(100))
        let trimmed = String(kept.drop(while: { $0 == "." }))
        return trimmed.isEmpty ? "input" : trimmed
    }

    /// Removes a job's folder and everything in it.
    func remove(_ id: String) {
        try? FileManager.default.removeItem(atPath: folder(id))
    }
}
