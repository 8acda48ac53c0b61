import Foundation
import Testing

#if canImport(Glibc)
import Glibc
import BatchScoreTestKit
#endif

/// Issue 11, item 3: a Lua `__gc` finalizer with an endless loop used to hang `batchscore run` after
/// the job committed (in lua_close, at 100% CPU, deaf to SIGTERM), and `batchscore validate` when
/// `init` made it. These run the real executable with a hang guard: a process still alive after
/// `timeout` seconds is killed and recorded as a failure, so a regression fails instead of hanging.
@Suite struct LuaFinalizerCLITests {
    static let loopingFinalizer = "setmetatable({}, { __gc = function() while true do end end })"

    /// Runs `batchscore` like `CLITests.run`; nil (after recording a failure) when it had to be killed.
    /// Output goes to files, not pipes, so nothing waits on a reader while the clock runs.
    func runGuarded(_ arguments: [String], in dir: TempDir, timeout: TimeInterval = 20,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> CLITests.Result? {
        let outPath = dir.path + "/cli.stdout", errPath = dir.path + "/cli.stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer { try? out.close(); try? err.close() }
        let p = Process()
        p.executableURL = CLITests.executable
        p.arguments = arguments
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning {
            // SIGKILL: the hang this guards against ignored SIGTERM.
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            Issue.record("batchscore \(arguments.first ?? "") was still running after \(Int(timeout)) s and was killed (a hang)",
                         sourceLocation: sourceLocation)
            return nil
        }
        p.waitUntilExit()
        return CLITests.Result(status: p.terminationStatus, stdout: try dir.read("cli.stdout"), stderr: try dir.read("cli.stderr"))
    }

    func job(_ dir: TempDir, script: String, kind: String = "features") throws {
        try dir.write("data.csv", "id,a,b\n1,1,0.5\n2,2,1\n3,3,1\n")
        try dir.write("model.json", smallModel)
        try dir.write("hook.lua", script)
        let step = kind == "features"
            ? "features:\n  - { type: lua, script: hook.lua, outputs: { c: float64 } }"
            : "validate:\n  - { type: lua, script: hook.lua }"
        try dir.write("job.yaml", """
            version: 1
            name: finalizers
            reader: { type: csv, path: data.csv }
            \(step)
            model: { path: model.json }
            writer: { type: csv, path: out.csv }
            """)
    }

    @Test func aFinalizerMadeInAFeaturesHookRejectsItsRowsAndTheRunExits() throws {
        let dir = try TempDir()
        try job(dir, script: "function features(row) \(Self.loopingFinalizer); return { c = 1 } end")
        guard let r = try runGuarded(["run", dir.path + "/job.yaml", "--progress", "none"], in: dir) else { return }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("rows read        3"), "\(r.stdout)")
        let quarantine = try dir.read("out.rejected.csv")
        #expect(quarantine.components(separatedBy: "features,hook_error,").count == 4, "\(quarantine)")
        #expect(quarantine.contains("__gc finalizers are not allowed in the sandbox"))
    }

    @Test func aFinalizerMadeInAValidatorRejectsItsRowsAndTheRunExits() throws {
        let dir = try TempDir()
        try job(dir, script: "function validate(row) \(Self.loopingFinalizer); return true end", kind: "validate")
        guard let r = try runGuarded(["run", dir.path + "/job.yaml", "--progress", "none"], in: dir) else { return }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try dir.read("out.rejected.csv").contains("__gc finalizers are not allowed"))
    }

    @Test func aFinalizerMadeAtTheTopLevelFailsTheRunAndValidate() throws {
        let dir = try TempDir()
        try job(dir, script: "keep = \(Self.loopingFinalizer)\nfunction features(row) return { c = 1 } end")
        for command in ["run", "validate"] {
            guard let r = try runGuarded([command, dir.path + "/job.yaml"], in: dir) else { return }
            #expect(r.status == 2, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("hook.lua:1: setmetatable: __gc finalizers are not allowed"), "\(command): \(r.stderr)")
        }
        #expect(!dir.exists("out.csv"))
    }

    @Test func aFinalizerMadeInInitFailsValidate() throws {
        let dir = try TempDir()
        try job(dir, script: """
            function init(params) keep = \(Self.loopingFinalizer) end
            function validate(row) return true end
            """, kind: "validate")
        for command in ["validate", "run"] {
            guard let r = try runGuarded([command, dir.path + "/job.yaml"], in: dir) else { return }
            #expect(r.status != 0, "\(command) accepted a finalizer made in init")
            #expect(r.stderr.contains("__gc finalizers are not allowed"), "\(command): \(r.stderr)")
            #expect(r.stderr.contains("init"), "\(command): \(r.stderr)")
        }
    }

    @Test func aLoopingCloseSpendsTheBudgetAndTheRunExits() throws {
        let dir = try TempDir()
        try job(dir, script: """
            function features(row)
              local guard <close> = setmetatable({}, { __close = function() while true do end end })
              return { c = 1 }
            end
            """)
        guard let r = try runGuarded(["run", dir.path + "/job.yaml", "--progress", "none"], in: dir) else { return }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try dir.read("out.rejected.csv").contains("features,instruction_budget,"))
    }
}
