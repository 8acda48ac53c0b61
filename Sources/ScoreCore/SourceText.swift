/// The text a column's values were parsed from: spans of one buffer the rows share (a unit of CSV
/// input), so keeping it costs two offsets per cell and no copy. A CSV writer writes these bytes
/// instead of reformatting the values.
public struct SourceText: Sendable {
    /// The buffer the spans index (shared with the rows' origins).
    public let bytes: [UInt8]
    /// `bytes[starts[i] ..< ends[i]]` is row i's text.
    public let starts: [Int]
    public let ends: [Int]

    public init(bytes: [UInt8], starts: [Int], ends: [Int]) {
        precondition(starts.count == ends.count, "one start and one end per row")
        self.bytes = bytes
        self.starts = starts
        self.ends = ends
    }

    public var count: Int { starts.count }

    /// The rows at `indices`, in that order; the buffer is shared.
    public func gather(_ indices: [Int]) -> SourceText {
        SourceText(bytes: bytes, starts: indices.map { starts[$0] }, ends: indices.map { ends[$0] })
    }
}
