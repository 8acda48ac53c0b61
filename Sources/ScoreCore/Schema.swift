/// The names and types of a batch's columns, in order.
public struct Schema: Sendable, Equatable, CustomStringConvertible {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var type: ColumnType
        public init(name: String, type: ColumnType) {
            self.name = name
            self.type = type
        }
    }

    public var fields: [Field]

    public init(_ fields: [Field]) { self.fields = fields }

    public var names: [String] { fields.map(\.name) }

    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }

    public var description: String { fields.map { "\($0.name): \($0.type)" }.joined(separator: ", ") }
}
