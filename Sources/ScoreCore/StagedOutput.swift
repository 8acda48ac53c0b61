/// Where a writer's bytes wait until the job commits: a temporary file renamed into place at the
/// end, or stdout (visible at once). Every writer hands its two-phase commit to one (see
/// `BatchWriter.prepare`), so the hand-off is written once.
public protocol StagedOutput: AnyObject {
    /// Makes the bytes durable (flush, fsync) without making them visible.
    func prepare() throws
    /// Makes the bytes visible at the final path (a rename).
    func publish() throws
    /// Drops what can still be dropped; the final path is left untouched.
    func abort()
}
