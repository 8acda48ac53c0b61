import Foundation
import ScoreCore
import ScoreIO

/// Fills a `RunManifest` from a plan: hashes of the spec and model, the input's size and mtime.
public enum RunManifestBuilder {
    /// Builds the manifest; call it after the run so the input's size and mtime are those it was scored at.
    public static func make(plan: ScoringPlan, startedAt: Date, finishedAt: Date) -> RunManifest {
        let iso = ISO8601DateFormatter()
        let redact = Redactor(spec: plan.spec)
        let inputPath = plan.endpoints.input.path ?? StandardStreams.inputName
        let attributes = plan.endpoints.input.isStream ? nil : try? FileManager.default.attributesOfItem(atPath: inputPath)
        return RunManifest(
            toolVersion: BatchScoreVersion.current,
            specSHA256: SHA256.hex(plan.spec.canonicalText.utf8),
            modelPath: redact(plan.modelPath),
            modelSHA256: SHA256.hex(plan.modelBytes),
            inputPath: redact(inputPath),
            inputBytes: (attributes?[.size] as? NSNumber)?.int64Value,
            inputModified: (attributes?[.modificationDate] as? Date).map { iso.string(from: $0) },
            startedAt: iso.string(from: startedAt),
            finishedAt: iso.string(from: finishedAt))
    }
}
