import Testing
@testable import ScoreCore

/// A registry refuses a second plugin of the same kind and type instead of silently replacing it.
struct PluginRegistryTests {
    struct NeverBuilt: Error {}

    static func validator(_ type: String) -> PluginRegistry.Validator {
        PluginRegistry.Validator(spec: PluginSpec(kind: .validator, type: type, summary: "test", fields: [], example: "{}")) { _, _ in
            throw NeverBuilt()
        }
    }

    @Test func aDuplicateTypeIsRefusedAndTheFirstKept() throws {
        var r = PluginRegistry()
        try r.register(Self.validator("range"))
        var replacement = Self.validator("range")
        replacement.spec.summary = "the second one"
        #expect(throws: PluginRegistryError.duplicate(kind: .validator, type: "range")) { try r.register(replacement) }
        #expect(r.validators["range"]?.spec.summary == "test")
        // Another type, or the same type as another kind, is fine.
        try r.register(Self.validator("allowed"))
        #expect(r.validators.count == 2)
        let message = "\(PluginRegistryError.duplicate(kind: .validator, type: "range"))"
        #expect(message.contains("validator plugin named 'range' is registered already"), "\(message)")
    }
}
