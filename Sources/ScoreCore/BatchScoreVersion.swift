/// The version printed by `--version` and written to run manifests.
public enum BatchScoreVersion {
    public static let current = "0.1.0"
}
