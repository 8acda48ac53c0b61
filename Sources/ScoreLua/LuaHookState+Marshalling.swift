import CLuaBridge
import ScoreCore

#if canImport(Glibc)
import Glibc
#endif

/// Lending a batch's buffers to the C bridge for one call: each column's contiguous arrays are
/// pinned (no copy) for exactly the call's duration.
extension LuaHookState {
    func withInputs(_ batch: Batch,
                    _ call: (UnsafePointer<bs_column>, UnsafePointer<Int64>, UnsafeMutablePointer<bs_result>) -> Int32) -> Result {
        let n = batch.rowCount
        guard n > 0 else { return Result(outcomes: [], messageBytes: [], messageOffsets: [0]) }
        var specs = [bs_column](repeating: bs_column(), count: batch.columns.count)
        let names = batch.columns.map { strdup($0.name)! }
        defer { names.forEach { free($0) } }
        let lines = batch.origins.lines.map { Int64($0) }
        var status = [UInt8](repeating: 0, count: n)
        var offsets = [Int64](repeating: 0, count: n + 1)
        var messages = bs_buffer(data: nil, length: 0, capacity: 0)
        defer { bs_buffer_free(&messages) }

        func pin(_ i: Int) {
            if i == batch.columns.count {
                specs.withUnsafeBufferPointer { sp in
                    lines.withUnsafeBufferPointer { lp in
                        status.withUnsafeMutableBufferPointer { st in
                            offsets.withUnsafeMutableBufferPointer { of in
                                withUnsafeMutablePointer(to: &messages) { mp in
                                    var result = bs_result(status: st.baseAddress, messages: mp, offsets: of.baseAddress)
                                    _ = call(sp.baseAddress!, lp.baseAddress!, &result)
                                }
                            }
                        }
                    }
                }
                return
            }
            let column = batch.columns[i]
            let words = column.nulls?.words ?? []
            words.withUnsafeBufferPointer { nullWords in
                let nulls = column.nulls == nil ? nil : nullWords.baseAddress
                func lend(_ type: bs_type, _ values: UnsafeRawPointer?, _ stringOffsets: UnsafePointer<Int64>?) {
                    specs[i] = bs_column(name: names[i], type: Int32(type.rawValue), values: values,
                                         offsets: stringOffsets, nulls: nulls)
                    pin(i + 1)
                }
                switch column.data {
                case .float64(let v): v.withUnsafeBytes { lend(BS_F64, $0.baseAddress, nil) }
                case .int64(let v): v.withUnsafeBytes { lend(BS_I64, $0.baseAddress, nil) }
                case .bool(let v): v.withUnsafeBytes { lend(BS_BOOL, $0.baseAddress, nil) }
                case .string(let s):
                    s.bytes.withUnsafeBytes { bytes in
                        s.offsets.withUnsafeBytes { offs in
                            // Swift's Int is 64 bits on every platform BatchScore builds for.
                            lend(BS_STR, bytes.baseAddress ?? UnsafeRawPointer(offs.baseAddress!),
                                 offs.baseAddress!.assumingMemoryBound(to: Int64.self))
                        }
                    }
                }
            }
        }
        pin(0)
        let bytes = messages.length == 0 ? [] : Array(UnsafeRawBufferPointer(start: messages.data, count: messages.length))
        let base = offsets[0]
        return Result(outcomes: status.map { Outcome(rawValue: $0) ?? .hookError }, messageBytes: bytes,
                      messageOffsets: offsets.map { $0 - base })
    }

    /// Buffers the C side fills with one features call's outputs, owned here and turned into
    /// columns afterwards (one copy per output column per batch, none per cell).
    final class OutputBuffers {
        let fields: [Schema.Field]
        let rows: Int
        var specs: [bs_output]
        private var values: [UnsafeMutableRawPointer?]
        private var strings: [UnsafeMutablePointer<bs_buffer>]
        private var offsets: [UnsafeMutablePointer<Int64>]
        private let names: [UnsafeMutablePointer<CChar>]

        init(_ fields: [Schema.Field], rows: Int, allowNonFinite: Bool) {
            self.fields = fields
            self.rows = rows
            names = fields.map { strdup($0.name)! }
            // Zeroed: rows whose hook fails keep a defined placeholder (they are dropped anyway).
            values = fields.map { field in
                guard field.type != .string else { return nil }
                let p = UnsafeMutableRawPointer.allocate(byteCount: max(rows, 1) * 8, alignment: 8)
                p.initializeMemory(as: UInt8.self, repeating: 0, count: max(rows, 1) * 8)
                return p
            }
            strings = fields.map { _ in
                let b = UnsafeMutablePointer<bs_buffer>.allocate(capacity: 1)
                b.initialize(to: bs_buffer(data: nil, length: 0, capacity: 0))
                return b
            }
            offsets = fields.map { _ in
                let p = UnsafeMutablePointer<Int64>.allocate(capacity: rows + 1)
                p.initialize(repeating: 0, count: rows + 1)
                return p
            }
            specs = []
            for (i, field) in fields.enumerated() {
                let type: bs_type = switch field.type {
                case .float64: BS_F64
                case .int64: BS_I64
                case .string: BS_STR
                case .bool: BS_BOOL
                }
                specs.append(bs_output(name: names[i], type: Int32(type.rawValue), values: values[i],
                                       strings: strings[i], offsets: offsets[i], allow_nonfinite: allowNonFinite ? 1 : 0))
            }
        }

        deinit {
            for v in values { v?.deallocate() }
            for b in strings { bs_buffer_free(b); b.deallocate() }
            for o in offsets { o.deallocate() }
            for n in names { free(n) }
        }

        /// The filled buffers as columns.
        func columns() -> [Column] {
            fields.enumerated().map { i, field in
                let data: ColumnData
                switch field.type {
                case .float64:
                    data = .float64(Array(UnsafeBufferPointer(start: values[i]!.assumingMemoryBound(to: Double.self), count: rows)))
                case .int64:
                    data = .int64(Array(UnsafeBufferPointer(start: values[i]!.assumingMemoryBound(to: Int64.self), count: rows)))
                case .bool:
                    let bytes = UnsafeBufferPointer(start: values[i]!.assumingMemoryBound(to: UInt8.self), count: rows)
                    data = .bool(bytes.map { $0 != 0 })
                case .string:
                    let b = strings[i].pointee
                    let bytes = b.length == 0 ? [] : Array(UnsafeRawBufferPointer(start: b.data, count: b.length))
                    let base = offsets[i][0]
                    data = .string(StringColumn(bytes: bytes, offsets: (0 ... rows).map { Int(offsets[i][$0] - base) }))
                }
                return Column(name: field.name, data: data)
            }
        }
    }
}
