import Foundation

/// `batchscore-server token create|list|revoke`: works on the data folder's database directly,
/// also while a server runs (SQLite WAL takes both).
public enum TokenAdmin {
    /// A token as `token list` shows it: never the token itself, which only `create` prints.
    public struct Listing: Sendable {
        public var id: String
        public var scopes: String
        public var name: String?
        public var created: String
        public var revoked: Bool
    }

    /// Creates a token with `scopes` (`read,submit,admin`); returns it (shown once, stored hashed).
    public static func create(dataDirectory: String, scopes text: String, name: String?) async throws -> String {
        let scopes: Set<TokenScope>
        switch APITokens.parseScopes(text) {
        case .success(let parsed): scopes = parsed
        case .failure(let unknown):
            throw ServiceSetupError("unknown scope '\(unknown.word)'; scopes are \(TokenScope.allCases.map(\.rawValue).joined(separator: ", ")), comma-separated")
        }
        let store = try open(dataDirectory)
        let (token, record) = APITokens.make(scopes: scopes, name: name, now: Date().timeIntervalSince1970)
        try await store.insert(token: record)
        return token
    }

    public static func list(dataDirectory: String) async throws -> [Listing] {
        try await open(dataDirectory).tokens().map {
            Listing(id: $0.id, scopes: $0.scopes, name: $0.name, created: JobView.timestamp($0.createdAt), revoked: $0.revokedAt != nil)
        }
    }

    /// Revokes the token with id `id` (`tok_…`); its jobs stay, visible to `admin` tokens.
    public static func revoke(dataDirectory: String, id: String) async throws {
        guard try await open(dataDirectory).revoke(tokenID: id, now: Date().timeIntervalSince1970) else {
            throw ServiceSetupError("no live token \(id) (see `batchscore-server token list`)")
        }
    }

    private static func open(_ dataDirectory: String) throws -> JobStore {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        return try JobStore(dataDirectory: dataDirectory)
    }
}
