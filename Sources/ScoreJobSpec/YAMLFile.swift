import Foundation
import ScoreCore

/// Reading a small YAML file other than a job (a plugin's `plugin.yaml`, its test cases) into the
/// same checked node tree the job loader uses, so every file reports `file:line:col` the same way.
enum YAMLFile {
    /// The file's text; errors name `what` ("plugin.yaml", "test file").
    static func read(_ path: String, what: String) throws(JobSpecErrors) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw JobSpecErrors([JobSpecError(at: nil, "", "cannot read \(what) '\(path)': no such file")])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JobSpecErrors([JobSpecError(at: nil, "", "cannot read \(what) '\(path)': permission denied")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw JobSpecErrors([JobSpecError(at: SourceLocation(file: path, line: 1, column: 1), "", "\(what) is not UTF-8 text")])
        }
        return text
    }

    /// Parses one document and expands aliases; nil for an empty document. `${VAR}` is not
    /// expanded: these files are shared between teams and must mean the same everywhere.
    static func tree(_ text: String, file: String) throws(JobSpecErrors) -> YAMLNode? {
        switch YAMLDocumentParser.parse(text, file: file) {
        case .empty:
            return nil
        case .failed(let errors):
            throw JobSpecErrors(errors)
        case .document(let raw):
            let (root, errors) = AliasExpansion.expand(raw, file: file)
            guard let root, errors.isEmpty else { throw JobSpecErrors(JobSpecLoader.sorted(errors, mainFile: file)) }
            return root
        }
    }
}

extension YAMLNode {
    /// The value under `key` in a mapping node, if any.
    func child(_ key: String) -> YAMLNode? { pairs?.first { $0.keyText == key }?.value }
    /// The key node of `key` in a mapping node, if any (to point at a key rather than its value).
    func keyNode(_ key: String) -> YAMLNode? { pairs?.first { $0.keyText == key }?.key }
}
