import ArgumentParser
import Foundation
import Logging
import ScoreCore
import ScoreJobSpec
import ScoreRuntime
import ScoreService

/// `batchscore-server`: the job service (serve) and its token administration. A separate
/// executable so that `batchscore` and the core build without the server packages.
@main
struct BatchScoreServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batchscore-server",
        abstract: "The BatchScore job service: an HTTP API over a durable job queue.",
        subcommands: [Serve.self, Token.self])
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the job API (HTTP under /v1, a status page at /, /metrics, /healthz, /readyz).",
        discussion: """
            Jobs are queued in DATA/queue.sqlite and run with the engine, sharing this machine's cores. \
            SIGTERM / SIGINT stop gracefully: no new jobs start, running jobs record a checkpoint and go back \
            to the queue, and the next start resumes them (also after a kill -9). Exit codes: 0 stopped · 1 failed to start.
            """)

    @Option(help: ArgumentHelp("The data folder: the queue's database and the jobs' files.", valueName: "dir"))
    var data: String?

    @Option(help: ArgumentHelp("Where to listen (port 0 picks a free one; the address is printed).", valueName: "host:port"))
    var listen: String?

    @Option(name: .customLong("allow-root"), help: ArgumentHelp("A folder jobs may read inputs, models and scripts from (repeatable).", valueName: "dir"))
    var allowRoots: [String] = []

    @Option(help: ArgumentHelp("A YAML file with the other settings (limits, retention, retries, …).", valueName: "file"))
    var config: String?

    func run() async throws {
        var settings = ServeConfiguration(dataDirectory: "")
        do {
            if let config {
                let section = try ConfigFileLoader.load(path: config, fields: ServeConfiguration.fields, what: "serve config")
                try settings.apply(section, file: config)
            }
            if let data { settings.dataDirectory = data }
            if let listen {
                guard let (host, port) = ServeConfiguration.parseListen(listen) else {
                    throw ServiceSetupError("--listen \(listen): expected HOST:PORT, for example 127.0.0.1:8080")
                }
                settings.host = host
                settings.port = port
            }
            settings.allowedRoots += allowRoots
            try settings.finish()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(error is JobSpecErrors ? ExitStatus.invalidSpec : ExitStatus.failure)
        }
        let json = settings.jsonLogs
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: json ? .json : .text) }
        ProcessSettings.apply()
        do {
            try await JobServer.serve(settings, logger: Logger(label: "batchscore-server"))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(ExitStatus.failure)
        }
    }
}

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and revoke API tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; prints only the token (shown this once, stored hashed).")
        @Option(help: ArgumentHelp("The data folder.", valueName: "dir")) var data: String
        @Option(help: ArgumentHelp("Comma-separated scopes: read, submit, admin.", valueName: "scopes")) var scope = "read,submit"
        @Option(help: ArgumentHelp("A name to recognise it by in `token list`.", valueName: "name")) var name: String?

        func run() async throws {
            do {
                print(try await TokenAdmin.create(dataDirectory: data, scopes: scope, name: name))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(ExitStatus.failure)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (ids, scopes, names; never the tokens).")
        @Option(help: ArgumentHelp("The data folder.", valueName: "dir")) var data: String

        func run() async throws {
            for token in try await TokenAdmin.list(dataDirectory: data) {
                print([token.id, token.scopes, token.created, token.revoked ? "revoked" : "live", token.name ?? ""].joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id (tok_…).")
        @Option(help: ArgumentHelp("The data folder.", valueName: "dir")) var data: String
        @Argument(help: "The token's id, as `token list` shows it.") var id: String

        func run() async throws {
            do { try await TokenAdmin.revoke(dataDirectory: data, id: id) } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(ExitStatus.failure)
            }
        }
    }
}
