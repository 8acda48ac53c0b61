import Foundation
import Testing
import BatchScoreTestKit
@testable import ScoreIO

/// The `postgres` reader and writer end to end, through the CLI, against a real PostgreSQL (the
/// test kit's private cluster, or `BATCHSCORE_TEST_PG_URL`).
@Suite(.serialized, .enabled(if: TestPostgres.available != nil || TestPostgres.required, "\(TestPostgres.unavailableReason)"))
struct PostgresEndpointsTests {
    static var server: TestPostgres {
        get throws {
            guard let server = TestPostgres.available else { throw TestPostgresUnavailable(description: TestPostgres.unavailableReason) }
            return server
        }
    }

    static let rows = 6000

    /// A customers table with every type the reader maps, nulls, empty strings and text that
    /// needs quoting; every 500th row has no age (the validators quarantine it).
    static func makeCustomers(_ pg: TestPostgres, _ table: String) throws {
        try pg.sql("""
            CREATE TABLE \(table) (
              id bigint PRIMARY KEY, age integer, income numeric(12,2), credit_score double precision,
              num_transactions smallint, region varchar(10), vip boolean, seen timestamptz, note text);
            INSERT INTO \(table)
            SELECT i, CASE WHEN i % 500 = 0 THEN NULL ELSE 18 + (i * 7) % 70 END,
                   20000 + (i * 7919) % 90000 + 0.25, 300 + (i * 31) % 550 + 0.125, (i % 60)::smallint,
                   (ARRAY['north','south','east','west'])[1 + i % 4], i % 3 = 0,
                   timestamptz '2026-01-01 00:00:00+00' + i * interval '37 minutes',
                   CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'say "hi", then' || chr(10) || 'leave' ELSE 'plain' END
            FROM generate_series(1, \(rows)) AS i;
            """)
    }

    static let model = CLITests.repoRoot.appendingPathComponent("examples/churn/model.json").path

    static func job(reader: String, writer: String, quarantine: String = "out/rejected.csv") -> String {
        """
        version: 1
        name: pg
        reader: \(reader)
        validate:
          - { type: schema, required: [id, age, income, credit_score, num_transactions] }
          - { type: finite }
        model: { path: \(model) }
        writer: \(writer)
        quarantine: { path: \(quarantine) }
        runtime: { batch_rows: 700 }
        """
    }

    static func url(_ pg: TestPostgres) -> String { "\"\(pg.url)\"" }

    /// The rows of `table` as CSV in id order, booleans as true/false (what the csv writer writes).
    static func tableAsCSV(_ pg: TestPostgres, _ table: String, columns: String) throws -> String {
        try pg.sql("COPY (SELECT \(columns) FROM \(table) ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER true)")
    }

    @Test func aQueryScoredIntoATableMatchesCSVToCSV() throws {
        let pg = try Self.server
        let source = TestPostgres.uniqueName("customers"), target = TestPostgres.uniqueName("scores")
        try Self.makeCustomers(pg, source)
        let dir = try TempDir()
        // The same rows as a CSV file, exported by PostgreSQL itself.
        try dir.write("customers.csv", try pg.sql("COPY (SELECT id, age, income, credit_score, num_transactions, region, vip::text AS vip, seen, note FROM \(source) ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER true)") + "\n")
        try dir.write("csv.yaml", Self.job(reader: "{ type: csv, path: customers.csv }", writer: "{ type: csv, path: out/scores.csv }",
                                           quarantine: "out/csv-rejected.csv"))
        try dir.write("pg.yaml", Self.job(reader: "{ type: postgres, url: \(Self.url(pg)), query: \"SELECT * FROM \(source)\", order_by: [id] }",
                                          writer: "{ type: postgres, url: \(Self.url(pg)), table: \(target) }",
                                          quarantine: "out/pg-rejected.csv"))
        let csvRun = try EngineTests.cli(["run", dir.file("csv.yaml"), "--progress", "none"])
        #expect(csvRun.status == 0, "\(csvRun.stderr)")
        let pgRun = try EngineTests.cli(["run", dir.file("pg.yaml"), "--progress", "none"])
        #expect(pgRun.status == 0, "\(pgRun.stderr)")

        let expected = try dir.read("out/scores.csv")
        let header = expected.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        let columns = header.split(separator: ",").map { $0 == "vip" ? "vip::text AS vip" : String($0) }.joined(separator: ", ")
        let got = try Self.tableAsCSV(pg, target, columns: columns) + "\n"
        #expect(got == expected, "the table's rows differ from the CSV job's output")
        #expect(try pg.sql("SELECT count(*) FROM \(target)") == "\(Self.rows - Self.rows / 500)")
        // The same rows quarantined, at the same lines (the header is line 1 in both).
        let lines = { (text: String) in text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").dropFirst().prefix(3).joined(separator: ",") } }
        let pgRejected = try dir.read("out/pg-rejected.csv"), csvRejected = try dir.read("out/csv-rejected.csv")
        #expect(lines(pgRejected) == lines(csvRejected))
        #expect(pgRejected.contains("postgres query"))
        // Column types follow the output schema.
        let types = try pg.sql("SELECT column_name || ':' || data_type FROM information_schema.columns WHERE table_name = '\(target)' ORDER BY ordinal_position")
        #expect(types.contains("id:bigint") && types.contains("income:double precision") && types.contains("vip:boolean")
                && types.contains("note:text"), "\(types)")
        // NULL stays NULL and '' stays '' on the way through.
        #expect(try pg.sql("SELECT count(*) FROM \(target) WHERE note IS NULL")
                == (try pg.sql("SELECT count(*) FROM \(source) WHERE note IS NULL AND age IS NOT NULL")))
        #expect(try pg.sql("SELECT count(*) FROM \(target) WHERE note = ''")
                == (try pg.sql("SELECT count(*) FROM \(source) WHERE note = '' AND age IS NOT NULL")))
    }

    @Test func modesCreateAppendAndReplace() throws {
        let pg = try Self.server
        let source = TestPostgres.uniqueName("customers"), target = TestPostgres.uniqueName("scores")
        try Self.makeCustomers(pg, source)
        let dir = try TempDir()
        func run(_ mode: String, query: String = "SELECT * FROM \(source)") throws -> EngineTests.Outcome {
            try dir.write("job.yaml", Self.job(reader: "{ type: postgres, url: \(Self.url(pg)), query: \"\(query)\", order_by: [id] }",
                                               writer: "{ type: postgres, url: \(Self.url(pg)), table: \(target), mode: \(mode) }"))
            return try EngineTests.run(dir)
        }
        let appendMissing = try run("append")
        #expect(appendMissing.status == 2, "\(appendMissing.stderr)")
        #expect(appendMissing.stderr.contains("job.yaml:8:") && appendMissing.stderr.contains("writer.table")
                && appendMissing.stderr.contains("no such table"), "\(appendMissing.stderr)")
        #expect(try run("create").status == 0)
        let scored = Self.rows - Self.rows / 500
        #expect(try pg.sql("SELECT count(*) FROM \(target)") == "\(scored)")
        let createAgain = try run("create")
        #expect(createAgain.status == 2 && createAgain.stderr.contains("the table exists"), "\(createAgain.stderr)")
        #expect(try run("append", query: "SELECT * FROM \(source) WHERE id <= 100").status == 0)
        #expect(try pg.sql("SELECT count(*) FROM \(target)") == "\(scored + 100)")
        #expect(try run("replace", query: "SELECT * FROM \(source) WHERE id <= 10").status == 0)
        #expect(try pg.sql("SELECT count(*) FROM \(target)") == "10")
        #expect(try pg.sql("SELECT count(*) FROM pg_tables WHERE tablename LIKE '\(target)_batchscore_%'") == "0", "no staging table is left")
        // A replace the database refuses at the swap (a view depends on the table) fails the job,
        // publishes no quarantine, and leaves the table as it was.
        try pg.sql("CREATE VIEW \(target)_view AS SELECT id FROM \(target)")
        try? FileManager.default.removeItem(atPath: dir.file("out/rejected.csv"))
        let refused = try run("replace")
        #expect(refused.status == 1 && refused.stderr.contains("depend"), "\(refused.stderr)")
        #expect(!dir.exists("out/rejected.csv"), "the quarantine was published for a job whose table did not commit")
        #expect(try pg.sql("SELECT count(*) FROM \(target)") == "10")
        // Appending needs the output's columns in the table.
        try pg.sql("CREATE TABLE \(target)_narrow (id bigint)")
        try dir.write("job.yaml", Self.job(reader: "{ type: postgres, url: \(Self.url(pg)), query: \"SELECT * FROM \(source)\" }",
                                           writer: "{ type: postgres, url: \(Self.url(pg)), table: \(target)_narrow, mode: append }"))
        let narrow = try EngineTests.run(dir)
        #expect(narrow.status == 2 && narrow.stderr.contains("writer.table"), "\(narrow.stderr)")
    }

    /// A job killed mid-write (SIGKILL after its 4th batch is sent) leaves the table exactly as it
    /// was, in every mode: the rows were in a transaction that died with the connection.
    @Test(arguments: ["append", "replace"])
    func aJobKilledMidWriteLeavesTheTableAsItWas(mode: String) throws {
        let pg = try Self.server
        let source = TestPostgres.uniqueName("customers"), target = TestPostgres.uniqueName("scores")
        try Self.makeCustomers(pg, source)
        let dir = try TempDir()
        func job(_ where: String, mode: String) throws {
            try dir.write("job.yaml", Self.job(reader: "{ type: postgres, url: \(Self.url(pg)), query: \"SELECT * FROM \(source) \(`where`)\", order_by: [id] }",
                                               writer: "{ type: postgres, url: \(Self.url(pg)), table: \(target), mode: \(mode) }"))
        }
        try job("WHERE id <= 3", mode: "create")
        #expect(try EngineTests.run(dir).status == 0)
        let before = try pg.sql("SELECT * FROM \(target) ORDER BY id")
        #expect(try pg.sql("SELECT count(*) FROM \(target)") == "3")
        try job("", mode: mode)
        let killed = try EngineTests.run(dir, fault: "mid-batch:3")
        #expect(killed.killedBy == SIGKILL, "status \(killed.status): \(killed.stderr)")
        // Uncommitted rows are invisible to this session, and the dead connection's transaction
        // is rolled back: nothing of the killed run is ever seen.
        #expect(try pg.sql("SELECT * FROM \(target) ORDER BY id") == before)
        #expect(try pg.sql("SELECT count(*) FROM pg_tables WHERE tablename LIKE '\(target)_batchscore_%'") == "0")
    }

    @Test func spectErrorsPointAtTheKeyAndAFailingQueryFailsTheJob() throws {
        let pg = try Self.server
        let source = TestPostgres.uniqueName("customers")
        try Self.makeCustomers(pg, source)
        let dir = try TempDir()
        func run(_ reader: String) throws -> EngineTests.Outcome {
            try dir.write("job.yaml", Self.job(reader: reader, writer: "{ type: csv, path: out/scores.csv }"))
            return try EngineTests.run(dir)
        }
        let unknownTable = try run("{ type: postgres, url: \(Self.url(pg)), query: \"SELECT * FROM no_such_table\" }")
        #expect(unknownTable.status == 2, "\(unknownTable.stderr)")
        #expect(unknownTable.stderr.contains("job.yaml:3:") && unknownTable.stderr.contains("reader.query")
                && unknownTable.stderr.contains("no_such_table"), "\(unknownTable.stderr)")
        let badOrder = try run("{ type: postgres, url: \(Self.url(pg)), query: \"SELECT * FROM \(source)\", order_by: [nope] }")
        #expect(badOrder.status == 2 && badOrder.stderr.contains("reader.order_by") && badOrder.stderr.contains("nope"), "\(badOrder.stderr)")
        // Division by zero at row 4000: the stream ends early, and the job fails instead of
        // taking the rows before it for the whole input.
        let failing = try run("{ type: postgres, url: \(Self.url(pg)), query: \"SELECT *, 1 / (id - 4000) AS boom FROM \(source)\", order_by: [id] }")
        #expect(failing.status == 1, "\(failing.stderr)")
        #expect(failing.stderr.contains("division by zero"), "\(failing.stderr)")
        #expect(!dir.exists("out/scores.csv"))
    }

    @Test func thePasswordIsNeverPrinted() throws {
        let pg = try Self.server
        let dir = try TempDir()
        // A database that does not exist, reached with a password from ${PG_PASSWORD}.
        let folder = pg.url.components(separatedBy: "host=").last ?? ""
        let url = "\"postgresql://batchscore:${PG_PASSWORD}@/no_such_db?host=\(folder)\""
        try dir.write("job.yaml", Self.job(reader: "{ type: postgres, url: \(url), query: \"SELECT 1 AS id\" }",
                                           writer: "{ type: csv, path: out/scores.csv }"))
        let secret = "s3cr3t-\(UInt32.random(in: 0 ... UInt32.max))"
        let outcome = try EngineTests.cli(["run", dir.file("job.yaml"), "--progress", "none", "--log-format", "json",
                                           "--summary-json", dir.file("summary.json")],
                                          environment: ["PG_PASSWORD": secret])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("no_such_db"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains(secret) && !outcome.stdout.contains(secret))
        for file in ((try? dir.entries()) ?? []) where !file.hasSuffix(".yaml") {
            #expect(!((try? dir.read(file)) ?? "").contains(secret), "\(file) holds the password")
        }
    }

    /// Killed after its 4th checkpoint, a job reading an ordered query resumes from there and ends
    /// with the bytes of an uninterrupted run; without order_by it says it cannot resume.
    @Test func anOrderedQueryResumesFromItsCheckpoint() throws {
        let pg = try Self.server
        let source = TestPostgres.uniqueName("customers")
        try Self.makeCustomers(pg, source)
        let dir = try TempDir()
        func job(orderBy: String, output: String) throws {
            try dir.write("job.yaml", Self.job(reader: "{ type: postgres, url: \(Self.url(pg)), query: \"SELECT * FROM \(source)\"\(orderBy) }",
                                               writer: "{ type: csv, path: \(output) }", quarantine: "\(output).rejected.csv")
                      .replacingOccurrences(of: "runtime: { batch_rows: 700 }", with: "runtime: { batch_rows: 700, checkpoint_secs: 0 }"))
        }
        try job(orderBy: ", order_by: [id]", output: "out/whole.csv")
        #expect(try EngineTests.run(dir).status == 0)
        try job(orderBy: ", order_by: [id]", output: "out/resumed.csv")
        let killed = try EngineTests.run(dir, fault: "after-checkpoint:3")
        #expect(killed.killedBy == SIGKILL, "\(killed.stderr)")
        let resumed = try EngineTests.run(dir, ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming from the checkpoint"), "\(resumed.stderr)")
        #expect(try dir.read("out/resumed.csv") == (try dir.read("out/whole.csv")))
        #expect(try dir.read("out/resumed.csv.rejected.csv") == (try dir.read("out/whole.csv.rejected.csv")))

        try job(orderBy: "", output: "out/unordered.csv")
        let unordered = try EngineTests.run(dir, ["--resume"])
        #expect(unordered.status == 0)
        #expect(unordered.stderr.contains("the query has no order_by") && unordered.stderr.contains("this job cannot resume"), "\(unordered.stderr)")
    }

    /// The reader streams: the job's peak RSS does not grow with the query's result. The same job
    /// over 150,000 and over 450,000 wide rows (80 MB and 240 MB of text) peaks within a few MB of
    /// each other. Batches are pinned so the test measures the reader, not the adaptive sizer.
    @Test func aLargeQueryIsStreamedInBoundedMemory() throws {
        let pg = try Self.server
        let dir = try TempDir()
        var peaks: [Int] = [], sizes: [Int] = []
        for rows in [150_000, 450_000] {
            let source = TestPostgres.uniqueName("wide")
            try pg.sql("""
                CREATE TABLE \(source) AS SELECT i::bigint AS id, 18 + i % 70 AS age, 20000.5 + i % 90000 AS income,
                       300 + i % 550 AS credit_score, i % 60 AS num_transactions, repeat(md5(i::text), 16) AS note
                FROM generate_series(1, \(rows)) AS i
                """)
            sizes.append(Int(try pg.sql("SELECT sum(octet_length(note)) FROM \(source)")) ?? 0)
            try dir.write("job.yaml", Self.job(reader: "{ type: postgres, url: \(Self.url(pg)), query: \"SELECT * FROM \(source)\", order_by: [id] }",
                                               writer: "{ type: csv, path: out/wide.csv }")
                .replacingOccurrences(of: "runtime: { batch_rows: 700 }", with: "runtime: { batch_rows: 4096 }"))
            let (status, peakKB) = try Self.runMeasuringPeakRSS(CLITests.executable.path, ["run", dir.file("job.yaml"), "--progress", "none"])
            #expect(status == 0)
            peaks.append(peakKB)
        }
        print("postgres reader: \(sizes.map { "\($0 / 1_000_000) MB" }) of rows, peak RSS \(peaks.map { "\($0 / 1024) MB" })")
        #expect(sizes[1] > 3 * sizes[0] - 1000)
        #expect(Double(peaks[1]) < Double(peaks[0]) * 1.25 + 8192, "peak RSS grew with the result: \(peaks) KiB for \(sizes) bytes")
        #expect(peaks[1] * 1024 < sizes[1], "the job held about as much as the whole result")
    }

    /// Runs a program to its end (output discarded) and returns its exit status and peak RSS in
    /// KiB: its own `VmHWM`, polled from /proc while it runs. (wait4's ru_maxrss would not do: a
    /// child spawned with vfork semantics inherits the parent's high-water mark at exec.)
    static func runMeasuringPeakRSS(_ path: String, _ arguments: [String]) throws -> (Int32, Int) {
        let child = try Spawned([path] + arguments)
        var peak = 0
        while true {
            if let text = try? String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8),
               let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kb = Int(line.split(separator: " ").dropFirst().first ?? "") {
                peak = max(peak, kb)
            }
            if let status = child.poll() { return (status, peak) }
            usleep(5_000)
        }
    }

    @Test func urlsAreShownWithoutTheirPassword() throws {
        #expect(PostgresURL.redacted("postgres://u:pw@h:5432/db") == "postgres://u@h:5432/db")
        #expect(PostgresURL.redacted("postgres://u@h/db") == "postgres://u@h/db")
        #expect(PostgresURL.redacted("postgresql://u@/db?host=/tmp/sock") == "postgres://u@/db?host=/tmp/sock")
        #expect(PostgresURL.redacted("host=h port=6000 user=u password='a b\\'c' dbname=d") == "postgres://u@h:6000/d")
        // Passwords written in every way a URL allows, and some it does not: never shown.
        for (url, password) in [("postgres://u:ab%2Fcd@h/db", "ab"), ("postgres://u:ab/cd@h/db", "ab/cd"), ("postgres://u:p%zz@h/db", "p%zz"),
                                ("postgres://h/db?user=u&password=pw9", "pw9"), ("host=h password=sekrit dbname=d", "sekrit"),
                                ("postgres://u:p@ss@h/db", "p@ss")] {
            let shown = PostgresURL.redacted(url)
            #expect(!shown.contains(password), "\(url) shown as \(shown)")
        }
        #expect(throws: PostgresError.self) { try PostgresURL.parse("postgres://u:ab/cd@h/db") }
        // What libpq decoded and what was written are both scrubbed.
        let parsed = try PostgresURL.parse("postgres://u:a%2Fb@h/db")
        #expect(parsed.secrets.contains("a/b") && parsed.secrets.contains("a%2Fb"))
    }

    @Test func queriesAreTakenAsWritten() throws {
        let pg = try Self.server
        let source = TestPostgres.uniqueName("customers")
        try Self.makeCustomers(pg, source)
        let dir = try TempDir()
        func run(_ query: String, writer: String = "{ type: csv, path: out/scores.csv }") throws -> EngineTests.Outcome {
            try dir.write("job.yaml", Self.job(reader: "{ type: postgres, url: \(Self.url(pg)), query: \"\(query)\", order_by: [id] }", writer: writer))
            return try EngineTests.run(dir)
        }
        // A trailing comment comments out nothing of the reader's own SQL.
        let commented = try run("SELECT * FROM \(source) -- every customer")
        #expect(commented.status == 0, "\(commented.stderr)")
        // One column cannot tell a NULL from a blank line: refused, not lost.
        try dir.write("job.yaml", Self.job(reader: "{ type: postgres, url: \(Self.url(pg)), query: \"SELECT age FROM \(source)\" }",
                                           writer: "{ type: csv, path: out/one.csv }"))
        let one = try EngineTests.run(dir)
        #expect(one.status == 2 && one.stderr.contains("reader.query") && one.stderr.contains("one column"), "\(one.stderr)")
        // A table name at PostgreSQL's 63-byte limit still gets a staging table of its own.
        let long = "t" + String(repeating: "x", count: 54) + String(UInt32.random(in: 0 ... UInt32.max) % 100_000_000)
        let named = String(long.prefix(63))
        for mode in ["create", "replace", "replace"] {
            let replaced = try run("SELECT * FROM \(source) WHERE id <= 5", writer: "{ type: postgres, url: \(Self.url(pg)), table: \(named), mode: \(mode) }")
            #expect(replaced.status == 0, "\(mode): \(replaced.stderr)")
        }
        #expect(try pg.sql("SELECT count(*) FROM \(named)") == "5")
        // `batchscore pipe` has no file for a database end to stand in for.
        try dir.write("job.yaml", Self.job(reader: "{ type: postgres, url: \(Self.url(pg)), query: \"SELECT * FROM \(source)\" }",
                                           writer: "{ type: csv, path: out/scores.csv }"))
        let piped = try EngineTests.cli(["pipe", "--job", dir.file("job.yaml")])
        #expect(piped.status == 2 && piped.stderr.contains("reader.type") && piped.stderr.contains("batchscore pipe"), "\(piped.stderr)")
        // A URL libpq cannot read is refused without quoting it.
        try dir.write("job.yaml", Self.job(reader: "{ type: postgres, url: \"postgres://u:p%zz@/db\", query: \"SELECT 1 AS a, 2 AS b\" }",
                                           writer: "{ type: csv, path: out/scores.csv }"))
        let unreadable = try EngineTests.run(dir)
        #expect(unreadable.status == 2 && unreadable.stderr.contains("reader.url") && !unreadable.stderr.contains("p%zz"), "\(unreadable.stderr)")
    }
}
