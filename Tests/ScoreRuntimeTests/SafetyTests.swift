import Foundation
import Testing
import ScoreCore
import ScoreIO
@testable import ScoreRuntime
import BatchScoreTestKit

/// Guard rails found in review: outputs never clobber the input or each other, values are never
/// changed on the way through, and nothing non-finite reaches the output.
@Suite struct SafetyTests {
    func job(_ dir: TempDir, csv: String, extra: String = "", reader: String = "{ type: csv, path: data.csv }",
             model: String = smallModel) throws {
        try dir.write("data.csv", csv)
        try dir.write("model.json", model)
        try dir.write("job.yaml", """
            version: 1
            reader: \(reader)
            model: { path: model.json }
            writer: { type: csv, path: out.csv }
            \(extra)
            """)
    }

    func specError(_ dir: TempDir, overrides: [String] = []) -> String? {
        do {
            _ = try makePlan(dir, overrides: overrides)
            return nil
        } catch let error as JobSpecError {
            return error.description
        } catch {
            return "not a spec error: \(error)"
        }
    }

    @Test func outputsMayNotOverwriteTheInputOrEachOther() throws {
        let dir = try TempDir()
        try job(dir, csv: "a,b\n1,2\n")
        #expect(specError(dir, overrides: ["writer.path=data.csv"])?.contains("writer.path: is the input file") == true)
        #expect(specError(dir, overrides: ["writer.path=./sub/../data.csv"])?.contains("is the input file") == true)
        #expect(specError(dir, overrides: ["quarantine.path=data.csv"])?.contains("quarantine.path: is the input file") == true)
        #expect(specError(dir, overrides: ["quarantine.path=out.csv"])?.contains("is the same file as writer.path") == true)
        try FileManager.default.createDirectory(atPath: dir.path + "/folder", withIntermediateDirectories: true)
        #expect(specError(dir, overrides: ["writer.path=folder"])?.contains("writer.path: is a folder") == true)
        #expect(try dir.read("data.csv") == "a,b\n1,2\n")
    }

    /// An output renamed over a device or a pipe would replace it (as root, /dev/null would turn
    /// into a regular file): refused before anything is written, at the key.
    @Test func outputsMayNotReplaceADeviceOrAPipe() throws {
        let dir = try TempDir()
        try job(dir, csv: "a,b\n1,2\n")
        #expect(specError(dir, overrides: ["writer.path=/dev/null"])?.contains("writer.path: is a device, not a file") == true)
        #expect(mkfifo(dir.file("pipe"), 0o644) == 0)
        #expect(specError(dir, overrides: ["quarantine.path=pipe"])?.contains("quarantine.path: is a pipe, not a file") == true)
        #expect(throws: OutputError.self) { _ = try AtomicOutputFile(path: "/dev/null") }
        var st = stat()
        #expect(stat("/dev/null", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR, "/dev/null is still a device")
    }

    @Test func nonFiniteFeaturesAreRejectedBeforeTheModel() throws {
        let dir = try TempDir()
        try job(dir, csv: "a,b\n1,2\nNaN,1\n2,inf\n3,-1e400\n")
        let summary = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
        #expect(summary.rowsWritten == 1)
        #expect(summary.quarantinedByRule["model/non_finite"] == 3)
        let q = parseCSV(try dir.read("out.rejected.csv"))
        #expect(q[1][4] == "a is NaN (the model needs finite numbers)")
        #expect(q[3][4].hasPrefix("b is -infinity"))
        #expect(!(try dir.read("out.csv")).contains("nan"))
    }

    @Test func nonFiniteOutputsAreRejected() throws {
        let dir = try TempDir()
        let huge = """
            {"format": "batchscore-model", "format_version": 1, "kind": "softmax_regression", "features": ["a", "b"],
             "classes": ["x", "y"], "coefficients": [[1e308, 0], [-1e308, 0]], "intercept": [0, 0]}
            """
        try job(dir, csv: "a,b\n1e10,1\n0,1\n", model: huge)
        let summary = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
        #expect(summary.rowsWritten == 1)
        #expect(summary.quarantinedByRule["model/non_finite_output"] == 1)
        #expect(try dir.read("out.csv") == "a,b,prediction,confidence\n0,1,x,0.5\n")
    }

    @Test func columnsNoStepUsesPassThroughExactly() throws {
        let dir = try TempDir()
        var csv = "id,zip,a,b,note\n"
        for i in 0 ..< 1100 { csv += "\(i),0\(2000 + i),1,2,\(i == 1050 ? "A1200" : "x")\n" }
        try job(dir, csv: csv)
        let summary = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
        #expect(summary.rowsQuarantined == 0)
        let out = parseCSV(try dir.read("out.csv"))
        #expect(out[1][1] == "02000")
        #expect(out[1051][4] == "A1200")
    }

    @Test func schemaTypesAreEnforcedWhereTheDataIsParsed() throws {
        let dir = try TempDir()
        try job(dir, csv: "id,a,b\n12345678901234567891,1,2\n9007199254740993,1,2\n4.5,1,2\n",
                extra: "validate: [{ type: schema, types: { id: int64 } }]")
        let summary = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
        #expect(summary.quarantinedByRule == ["parse/type": 2])
        let q = parseCSV(try dir.read("out.rejected.csv"))
        #expect(q[1][4].contains("out of the int64 range"))
        #expect(q[2][4].contains("is not an integer") && q[2][4].contains("the job requires int64"))
        #expect(parseCSV(try dir.read("out.csv"))[1][0] == "9007199254740993")
    }

    @Test func theQuarantineKeepsTheRecordsBytesExactly() throws {
        let dir = try TempDir()
        try job(dir, csv: "a,b\n1,2\n")
        try Data([0x61, 0x2C, 0x62, 0x0A, 0x78, 0xFF, 0x2C, 0x31, 0x0A]).write(to: URL(fileURLWithPath: dir.path + "/data.csv"))
        _ = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run()
        let q = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/out.rejected.csv"))
        #expect(q.range(of: Data([0x78, 0xFF, 0x2C, 0x31])) != nil)
    }

    @Test func outputColumnNamesMustBeUsable() throws {
        let dir = try TempDir()
        try job(dir, csv: "id,a,b\n1,1,2\n")
        #expect(specError(dir, overrides: ["output.passthrough=[id, id]"])?.contains("lists 'id' twice") == true)
        #expect(specError(dir, overrides: ["output.passthrough=[id, prediction]"])?.contains("no column 'prediction'") == true)
        #expect(specError(dir, overrides: ["output.prediction=''"])?.contains("cannot be empty") == true)
        #expect(specError(dir, overrides: ["output.prediction=a", "output.passthrough=[a]"])?.contains("also the name of a model output") == true)
    }

    @Test func anEmptyInputIsAnInputError() throws {
        let dir = try TempDir()
        try job(dir, csv: "")
        #expect {
            _ = try makePlan(dir)
        } throws: { error in
            (error as? InputError)?.description == "data.csv:1: the input is empty: there is no header row naming its columns"
                && (error as? InputError)?.kind == .empty
        }
    }

    @Test func aFailedJobLeavesNeitherOutputNorQuarantine() throws {
        let dir = try TempDir()
        // The second record's unclosed quote is found mid-run (after type sampling would end).
        var csv = "a,b\n"
        for _ in 0 ..< 20_000 { csv += "1,2\n" }
        csv += "3,\"4\n"
        try job(dir, csv: csv, extra: "runtime: { batch_rows: 100 }")
        #expect(throws: JobFailure.self) { _ = try JobRunner(plan: try makePlan(dir), logger: quietLogger).run() }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["data.csv", "job.yaml", "model.json"])
    }
}
