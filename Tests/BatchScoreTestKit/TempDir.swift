import Foundation

/// A scratch folder for one test, removed when the value goes away (or at `remove()`).
public final class TempDir: @unchecked Sendable {
    // @unchecked: immutable after init; the folder itself is the test's to share.
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "batchscore-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { remove() }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` (creating folders); returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    /// Writes `bytes` to `name` (creating folders); returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = URL(fileURLWithPath: file(name))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The text of `name` (invalid UTF-8 replaced).
    public func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: file(name))), as: UTF8.self)
    }

    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    /// The names in the folder, sorted (hidden ones included).
    public func entries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    /// Removes the folder now (again at deinit: harmless).
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
