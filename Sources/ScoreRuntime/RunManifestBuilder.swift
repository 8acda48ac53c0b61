import Foundation
import ScoreCore
import ScoreIO

/// Fills a `RunManifest` from a plan: hashes of the spec and model, the input's size and mtime.
public enum RunManifestBuilder {
    /// Builds the manifest; call it after the run so the input's size and mtime are those it was scored at.
    public static func make(plan: ScoringPlan, startedAt: Date, finishedAt: Date) -> RunManifest {
        Facts(plan: plan).manifest(startedAt: startedAt, finishedAt: finishedAt)
    }

    /// What a manifest takes from the plan, kept after the plan has run (`ScoringJob.manifest`).
    struct Facts: Sendable {
        var specSHA256: String
        var modelPath: String
        var modelSHA256: String
        /// The input's path as opened, for its size and mtime.
        var inputPath: String
        /// The same, secrets redacted, for the manifest.
        var inputShown: String
        var inputIsStream: Bool

        init(plan: ScoringPlan) {
            let redact = Redactor(spec: plan.spec)
            specSHA256 = SHA256.hex(plan.spec.canonicalText.utf8)
            modelPath = redact(plan.modelPath)
            modelSHA256 = SHA256.hex(plan.modelBytes)
            inputPath = plan.endpoints.input.name(stream: StandardStreams.inputName)
            inputShown = redact(inputPath)
            inputIsStream = plan.endpoints.input.isStream
        }

        /// The manifest, with the input's size and mtime as they are now.
        func manifest(startedAt: Date, finishedAt: Date) -> RunManifest {
            let iso = ISO8601DateFormatter()
            let attributes = inputIsStream ? nil : try? FileManager.default.attributesOfItem(atPath: inputPath)
            return RunManifest(
                toolVersion: BatchScoreVersion.current,
                specSHA256: specSHA256,
                modelPath: modelPath,
                modelSHA256: modelSHA256,
                inputPath: inputShown,
                inputBytes: (attributes?[.size] as? NSNumber)?.int64Value,
                inputModified: (attributes?[.modificationDate] as? Date).map { iso.string(from: $0) },
                startedAt: iso.string(from: startedAt),
                finishedAt: iso.string(from: finishedAt))
        }
    }
}
