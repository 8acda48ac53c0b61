import Foundation
import ScoreRuntime

/// API tokens: random, shown once, stored as SHA-256 hashes. A token reads `bst_` then 43
/// base64url characters (32 random bytes); its id (`tok_` and 12 hex digits) names it in lists
/// and revocations and owns its jobs.
enum APITokens {
    /// A new token and the record to store for it.
    static func make(scopes: Set<TokenScope>, name: String?, now: Double) -> (token: String, record: TokenRecord) {
        var generator = SystemRandomNumberGenerator()
        let secret = (0 ..< 32).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        let token = "bst_" + base64URL(secret)
        let id = "tok_" + (0 ..< 6).map { _ in String(format: "%02x", UInt8.random(in: 0 ... 255, using: &generator)) }.joined()
        let record = TokenRecord(id: id, hash: hash(token), scopes: scopes.sorted().map(\.rawValue).joined(separator: ","),
                                 name: name, createdAt: now, revokedAt: nil)
        return (token, record)
    }

    /// SHA-256 of the token, hex: what the database holds.
    static func hash(_ token: String) -> String {
        var sha = SHA256()
        sha.update(token.utf8)
        return sha.finalizeHex()
    }

    /// A scope word that names no scope.
    struct UnknownScope: Error {
        var word: String
    }

    /// Scopes from `read,submit`; fails with the first word that is no scope (or the whole text when empty).
    static func parseScopes(_ text: String) -> Result<Set<TokenScope>, UnknownScope> {
        var scopes = Set<TokenScope>()
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
            guard let scope = TokenScope(rawValue: word) else { return .failure(UnknownScope(word: word)) }
            scopes.insert(scope)
        }
        return scopes.isEmpty ? .failure(UnknownScope(word: text)) : .success(scopes)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
