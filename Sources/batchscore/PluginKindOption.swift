import ArgumentParser
import ScoreJobSpec

/// `--kind features|validator`.
struct PluginKindOption: ExpressibleByArgument {
    var value: PluginManifest.Kind
    init?(argument: String) {
        guard let v = PluginManifest.Kind(rawValue: argument) else { return nil }
        value = v
    }
    static var allValueStrings: [String] { PluginManifest.Kind.allCases.map(\.rawValue) }
}
