import Foundation
import Testing
import BatchScoreTestKit

/// The status page in a real headless browser (Debian's chromium): loaded while a job runs, its
/// DOM has a row per job and the running job's progress advances between two loads; a
/// screenshot is kept as an artifact. `.ci/run` installs chromium and sets
/// BATCHSCORE_REQUIRE_BROWSER=1, so there a missing browser fails instead of skipping.
@Suite(.serialized) struct StatusPageBrowserTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let required = ProcessInfo.processInfo.environment["BATCHSCORE_REQUIRE_BROWSER"] == "1"

    /// Where the screenshot goes: BATCHSCORE_TEST_ARTIFACTS, or `test-artifacts/` in the build folder.
    static var artifacts: String {
        ProcessInfo.processInfo.environment["BATCHSCORE_TEST_ARTIFACTS"]
            ?? ServerProcess.buildFolder.appendingPathComponent("test-artifacts").path
    }

    func browser(_ arguments: [String]) throws -> ServerProcess.ToolResult {
        guard let chromium = Self.chromium else { throw HarnessError("chromium is not installed") }
        return try ServerProcess.runTool(URL(fileURLWithPath: chromium),
                                         ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                          "--user-data-dir=" + NSTemporaryDirectory() + "batchscore-chromium-\(UUID().uuidString)"] + arguments)
    }

    /// The `<tr class="job …">` rows of a dumped DOM: id → (state, rows read).
    static func jobRows(_ dom: String) -> [String: (state: String, rowsRead: Int)] {
        var rows: [String: (String, Int)] = [:]
        for chunk in dom.components(separatedBy: "<tr class=\"job ").dropFirst() {
            guard let id = Self.attribute("id", in: chunk), let state = Self.attribute("data-state", in: chunk) else { continue }
            let read = chunk.components(separatedBy: "class=\"rows-read\">").dropFirst().first?.prefix { $0.isNumber }
            rows[id] = (state, Int(read ?? "") ?? -1)
        }
        return rows
    }

    static func attribute(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: " \(name)=\"") ?? text.range(of: "\(name)=\"") else { return nil }
        return String(text[start.upperBound...].prefix { $0 != "\"" })
    }

    @Test(.enabled(if: chromium != nil || required, "chromium is not installed (apt-get install chromium; .ci/run does)"))
    func theStatusPageShowsEveryJobAndLiveProgress() async throws {
        #expect(Self.chromium != nil, "chromium is required here (BATCHSCORE_REQUIRE_BROWSER=1) but not installed")
        let root = try TempDir(), data = try TempDir()
        try ServiceFixtures.install(into: root, rows: 200_000)
        try root.write("small.csv", ServiceFixtures.customers(rows: 100))
        try root.write("serve.yaml", "max_concurrent_jobs: 1\n")
        let server = try ServerProcess(data: data.path, root: root.path, arguments: ["--config", root.file("serve.yaml")])
        let client = APIClient(base: server.base)
        let token = try server.token()
        let done = try #require(try await client.submit(ServiceFixtures.job(name: "done <first>", input: "small.csv"), token: token).json["id"] as? String)
        _ = try await client.wait(for: done, token: token)
        let slow = ServiceFixtures.job(name: "slow", extraRuntime: "  batch_rows: 100\n  checkpoint_secs: 0\n  workers: 1")
        let running = try #require(try await client.submit(slow, token: token).json["id"] as? String)
        _ = try await client.wait(for: running, token: token, until: ["running"]) { job in
            ((job["counts"] as? [String: Any])?["rows_read"] as? Int ?? 0) > 0
        }
        let queued = try #require(try await client.submit(ServiceFixtures.job(name: "waiting", input: "small.csv"), token: token).json["id"] as? String)

        let url = server.base + "/?token=" + token
        let first = try browser(["--dump-dom", url])
        try await Task.sleep(for: .milliseconds(800))
        let second = try browser(["--dump-dom", url])
        let before = Self.jobRows(first.stdout), after = Self.jobRows(second.stdout)
        #expect(Set(before.keys) == [done, running, queued], "rows: \(before.keys) in\n\(first.stdout.prefix(3000))\n\(first.stderr.suffix(1000))")
        #expect(before[done]?.state == "succeeded")
        #expect(before[queued]?.state == "queued")
        #expect(before[running]?.state == "running")
        let readBefore = before[running]?.rowsRead ?? -1, readAfter = after[running]?.rowsRead ?? -1
        #expect(readBefore > 0 && (readAfter > readBefore || after[running]?.state == "succeeded"),
                "progress did not advance: \(readBefore) then \(readAfter)")
        // Names are escaped; nothing is fetched from anywhere else.
        #expect(first.stdout.contains("done &lt;first&gt;"))
        #expect(!first.stdout.contains("http://") && !first.stdout.contains("https://"))
        #expect(first.stdout.contains("href=\"/v1/jobs/\(done)/output\""))

        try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
        let shot = Self.artifacts + "/status-page.png"
        try? FileManager.default.removeItem(atPath: shot)
        _ = try browser(["--window-size=1280,720", "--screenshot=" + shot, url])
        let png = try Data(contentsOf: URL(fileURLWithPath: shot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "the screenshot is not a PNG")
        print("status page screenshot: \(shot)")

        // Without a token the page asks for one and shows no job.
        let anonymous = try browser(["--dump-dom", server.base + "/"])
        #expect(anonymous.stdout.contains("name=\"token\""))
        #expect(Self.jobRows(anonymous.stdout).isEmpty)
        _ = try await client.send("DELETE", "/v1/jobs/\(running)", token: token)
    }
}
