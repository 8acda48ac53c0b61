/// A place in a text file, 1-based, printed as `file:line:col`.
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The file name as shown to the user.
    public var file: String
    /// The 1-based line.
    public var line: Int
    /// The 1-based column.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`, the form editors and terminals link.
    public var description: String { "\(file):\(line):\(column)" }
}
