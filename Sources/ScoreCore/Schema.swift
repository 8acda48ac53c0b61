/// The names and types of a batch's columns, in order.
public struct Schema: Sendable, Equatable, CustomStringConvertible {
    /// One column's name and type.
    public struct Field: Sendable, Equatable {
        /// The column name.
        public var name: String
        /// The column type.
        public var type: ColumnType
        /// Creates a field.
        public init(name: String, type: ColumnType) {
            self.name = name
            self.type = type
        }
    }

    /// The fields, in column order.
    public var fields: [Field]

    /// Creates a schema from fields in column order.
    public init(_ fields: [Field]) { self.fields = fields }

    /// The column names, in order.
    public var names: [String] { fields.map(\.name) }

    /// The position of the column called `name`, if any.
    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    /// The field called `name`, if any.
    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }

    /// `name: type, ...`, for messages.
    public var description: String { fields.map { "\($0.name): \($0.type)" }.joined(separator: ", ") }
}
