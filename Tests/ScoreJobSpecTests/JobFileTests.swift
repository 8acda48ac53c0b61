import Foundation
import ScoreCore
import Testing
@testable import ScoreJobSpec
import BatchScoreTestKit

/// Reading the job file itself: each way it can be unreadable gets its own message.
@Suite struct JobFileTests {
    /// A fresh folder, removed after `body`.
    private func inTemporaryFolder(_ body: (URL) throws -> Void) throws {
        let dir = try TempDir()
        try body(URL(fileURLWithPath: dir.path))
    }

    private func errorLines(path: String) -> [String] {
        do {
            _ = try JobSpecLoader.load(path: path, registry: testRegistry, environment: [:])
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func aDirectoryIsNotAJobFile() throws {
        try inTemporaryFolder { dir in
            #expect(errorLines(path: dir.path) == ["'\(dir.path)' is a directory, not a job file"])
        }
    }

    @Test func aMissingFileIsNamed() throws {
        try inTemporaryFolder { dir in
            let path = dir.appendingPathComponent("missing.yaml").path
            #expect(errorLines(path: path) == ["cannot read job file '\(path)': no such file"])
        }
    }

    // root reads any file, so the check cannot fail there.
    @Test(.enabled(if: getuid() != 0)) func anUnreadableFileSaysSo() throws {
        try inTemporaryFolder { dir in
            let path = dir.appendingPathComponent("job.yaml").path
            try minimalJob.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }
            #expect(errorLines(path: path) == ["cannot read job file '\(path)': permission denied (the file is not readable)"])
        }
    }

    @Test func fileProblemIsNilForAReadableFile() throws {
        try inTemporaryFolder { dir in
            let path = dir.appendingPathComponent("job.yaml").path
            try minimalJob.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(JobSpecLoader.fileProblem(path) == nil)
            #expect(errorLines(path: path) == [])
        }
    }
}
