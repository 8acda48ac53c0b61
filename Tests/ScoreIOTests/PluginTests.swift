import Foundation
import ScoreCore
import Testing
@testable import ScoreIO
import BatchScoreTestKit

@Suite struct PluginTests {
    let location = SourceLocation(file: "job.yaml", line: 3, column: 9)

    func section(_ values: [(String, ConfigValue)]) -> ConfigSection {
        ConfigSection(keyPath: "reader", location: SourceLocation(file: "job.yaml", line: 3, column: 1),
                      entries: values.map { ($0.0, ConfigSection.Entry(value: $0.1, location: location)) })
    }

    @Test func specsDescribeThemselves() {
        for spec in [CSVReader.plugin.spec, CSVWriter.plugin.spec] {
            #expect(spec.type == "csv" && !spec.summary.isEmpty)
            #expect(spec.field("path")?.required == true)
            #expect(spec.example.hasPrefix("{ type: csv, path: "))
        }
        #expect(CSVReader.spec.field("infer_rows")?.defaultValue == .int(0))
        #expect(CSVReader.spec.field("max_record_bytes")?.minimum == 1024)
        #expect(CSVReader.spec.field("columns")?.type == .map(.columnType))
    }

    @Test func readerFactory() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        try folder.write("data/in.csv", "id,age\n1,30\n")
        let context = PluginContext(jobFile: folder.file("job.yaml"), baseDirectory: folder.path)
        let reader = try CSVReader.plugin.make(section([("path", .string("data/in.csv")), ("columns", .map([(key: "id", value: .string("string"))]))]),
                                               context, ReaderRequirements(numericColumns: ["age"]))
        #expect(reader.schema.description == "id: string, age: float64")
        #expect(reader.sourceName == "data/in.csv")

        #expect(throws: JobSpecError(at: location, "reader.path", "file not found: \(folder.path)/data/nope.csv")) {
            _ = try CSVReader.plugin.make(section([("path", .string("data/nope.csv"))]), context, .init())
        }
        #expect(throws: JobSpecError.self) {
            _ = try CSVReader.plugin.make(section([("path", .string("data/in.csv")), ("delimiter", .string("::"))]), context, .init())
        }
        #expect(throws: JobSpecError(at: location, "reader.columns.agee", "column 'agee' is not in data/in.csv (it has 'id', 'age')",
                                     hint: "did you mean 'age'?")) {
            _ = try CSVReader.plugin.make(section([("path", .string("data/in.csv")), ("columns", .map([(key: "agee", value: .string("int64"))]))]),
                                          context, .init())
        }
    }

    @Test func writerFactory() throws {
        let folder = try TempDir()
        defer { folder.remove() }
        let context = PluginContext(jobFile: "job.yaml", baseDirectory: folder.path)
        let writer = try CSVWriter.plugin.make(section([("path", .string("out/p.csv")), ("delimiter", .string("\t"))]),
                                               context, Schema([.init(name: "p", type: .float64)]))
        try writer.commit()
        #expect(try folder.read("out/p.csv") == "p\n")
    }
}
