import Testing
@testable import ScoreCore

@Suite struct BatchTests {
    func sampleBatch() -> Batch {
        var nulls = NullBitmap(count: 0)
        for isNull in [false, true, false, false] { nulls.append(isNull: isNull) }
        var origins = RowOrigins()
        for (i, text) in ["1,a,0.5", "2,,1.5", "3,c,2.5", "4,d,x"].enumerated() { origins.append(line: i + 2, record: text) }
        return Batch(columns: [
            Column(name: "id", data: .int64([1, 2, 3, 4])),
            Column(name: "name", data: .string(StringColumn(["a", "", "c", "d"])), nulls: nulls),
            Column(name: "x", data: .float64([0.5, 1.5, 2.5, .nan])),
        ], origins: origins)
    }

    @Test func nullBitmapCountsAndGathers() {
        var b = NullBitmap(count: 0)
        for i in 0 ..< 130 { b.append(isNull: i % 3 == 0) }
        #expect(b.count == 130)
        #expect(b.nullCount == 44)
        #expect(b.isNull(129) && !b.isNull(128))
        let g = b.gather([0, 1, 129])
        #expect(g.count == 3 && g.nullCount == 2 && !g.isNull(1))
    }

    @Test func gatherKeepsValuesNullsAndOrigins() {
        let batch = sampleBatch()
        let g = batch.gather([3, 1])
        #expect(g.rowCount == 2)
        #expect(g.column(named: "id")?.data == .int64([4, 2]))
        #expect(g.column(named: "name")?.isNull(1) == true)
        #expect(g.column(named: "name")?.isNull(0) == false)
        #expect(g.origins.lines == [5, 3])
        #expect(g.origins.record(0) == "4,d,x")
    }

    @Test func verdictsKeepTheFirstReasonAndReportInRowOrder() {
        let batch = sampleBatch()
        var v = RowVerdicts(rowCount: 4)
        v.reject(3, rule: "finite", reason: "x is NaN")
        v.reject(1, rule: "schema", reason: "name is empty")
        v.reject(3, rule: "range", reason: "second reason")
        #expect(v.rejectedCount == 2)
        #expect(v.keptRows() == [0, 2])
        let r = v.rejections(stage: "validate", origins: batch.origins)
        #expect(r.map(\.line) == [3, 5])
        #expect(r[1] == Rejection(line: 5, stage: "validate", rule: "finite", reason: "x is NaN", record: "4,d,x"))
        #expect(batch.keeping(v).rowCount == 2)
    }

    @Test func featureMatrixIsColumnMajorAndRejectsNulls() throws {
        var nulls = NullBitmap(count: 0)
        for isNull in [false, false, true] { nulls.append(isNull: isNull) }
        var origins = RowOrigins()
        for i in 0 ..< 3 { origins.append(line: i + 2, record: "r\(i)") }
        let batch = Batch(columns: [
            Column(name: "a", data: .int64([1, 2, 3])),
            Column(name: "b", data: .float64([0.5, 0.25, 9]), nulls: nulls),
        ], origins: origins)
        var v = RowVerdicts(rowCount: 3)
        let m = try FeatureMatrix.gather(from: batch, features: ["b", "a"], verdicts: &v)
        #expect(m.values == [0.5, 0.25, 0, 1, 2, 3])
        #expect(m[1, 1] == 2)
        #expect(v.verdicts == [.init(row: 2, rule: "missing_value", reason: "missing value: b")])
        #expect(m.gather([1]).values == [0.25, 2])
        #expect(throws: FeatureMatrixError.missingColumn("zz")) {
            _ = try FeatureMatrix.gather(from: batch, features: ["zz"], verdicts: &v)
        }
    }

    @Test func stringColumnStoresBytesBackToBack() {
        let s = StringColumn(["ab", "", "çé"])
        #expect(s.count == 3)
        #expect(s.offsets == [0, 2, 2, 6])
        #expect(s[2] == "çé")
        #expect(s.gather([2, 0]) == StringColumn(["çé", "ab"]))
    }

    @Test func integersFormatWithoutAllocation() {
        var out: [UInt8] = []
        for v: Int64 in [0, -7, 1234567890, .min, .max] {
            NumberFormatting.appendInteger(v, to: &out)
            out.append(UInt8(ascii: ","))
        }
        #expect(String(decoding: out, as: UTF8.self) == "0,-7,1234567890,-9223372036854775808,9223372036854775807,")
    }

    @Test func compactFormattingRoundTripsAndDropsPointZero() {
        var out: [UInt8] = []
        let values: [Double] = [86, -0.0, 0.1, 1e15, 1e16, 2.5, -3, 1e-05, .infinity, 0.30000000000000004]
        for v in values {
            NumberFormatting.appendCompact(v, to: &out)
            out.append(UInt8(ascii: ","))
        }
        let text = String(decoding: out, as: UTF8.self)
        #expect(text == "86,-0.0,0.1,1000000000000000.0,1e+16,2.5,-3,1e-05,inf,0.30000000000000004,")
        for (v, t) in zip(values, text.split(separator: ",")) { #expect(Double(String(t)) == v) }
    }

    @Test func nearMissSuggestsLikelyTypos() {
        #expect(NearMiss.suggestion(for: "delimeter", among: ["delimiter", "path", "header"]) == "delimiter")
        #expect(NearMiss.suggestion(for: "rnge", among: ["range", "finite"]) == "range")
        #expect(NearMiss.suggestion(for: "bathc_rows", among: ["batch_rows", "workers"]) == "batch_rows")
        #expect(NearMiss.suggestion(for: "zzz", among: ["range", "finite"]) == nil)
    }
}

@Suite struct ColumnLookupTests {
    @Test func namesResolveInOrderAndTheFirstOfADuplicateWins() {
        var origins = RowOrigins()
        origins.append(line: 2, record: "1,2,3")
        let batch = Batch(columns: [
            Column(name: "x", data: .int64([1])), Column(name: "y", data: .int64([2])), Column(name: "x", data: .int64([3])),
        ], origins: origins)
        let found = batch.columns(named: ["y", "z", "x"])
        #expect(found.map { $0?.name } == ["y", nil, "x"])
        #expect(found[2] == batch.column(named: "x"))
        #expect(batch.schema.fields(named: ["x", "q"]) == [Schema.Field(name: "x", type: .int64), nil])
    }
}
