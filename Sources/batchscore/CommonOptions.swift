import ArgumentParser
import Foundation
import Logging
import ScoreCore
import ScoreJobSpec
import ScoreRuntime
import ScoreBuiltins

/// Options shared by the commands that read a job file.
struct JobArguments: ParsableArguments {
    @Argument(help: "The job file (YAML).")
    var job: String

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a key of the job: --set runtime.batch_rows=1000, --set 'validate[0].required=[id]'. Repeatable.",
        valueName: "key.path=value"))
    var overrides: [String] = []

    @OptionGroup var log: LogOptions

    func makeLogger(redact: Redactor) -> Logger { log.makeLogger(redact: redact) }

    /// Loads and checks the job spec (pure: only the job file is read).
    func loadSpec() throws -> JobSpec {
        try JobSpecLoader.load(path: job, registry: BuiltinPlugins.registry, overrides: overrides)
    }
}

/// `--log-format` and `--log-level`, shared by every command that runs a job.
struct LogOptions: ParsableArguments {
    @Option(help: "Log format on stderr: text, or json (one JSON object per line).")
    var logFormat: LogFormatOption = .text

    @Option(help: "The least severe log level shown.")
    var logLevel: LogLevelOption = .info

    /// A logger writing to stderr in the chosen format, with values from `${VAR}` scrubbed.
    func makeLogger(redact: Redactor) -> Logger {
        let format = logFormat.value, level = logLevel.value
        return Logger(label: "batchscore") { label in
            StructuredLogHandler(label: label, format: format, level: level, redact: redact)
        }
    }
}

struct LogFormatOption: ExpressibleByArgument {
    var value: StructuredLogHandler.Format
    init?(argument: String) {
        guard let v = StructuredLogHandler.Format(rawValue: argument) else { return nil }
        value = v
    }
    static let text = LogFormatOption(argument: "text")!
    static var allValueStrings: [String] { StructuredLogHandler.Format.allCases.map(\.rawValue) }
    var defaultValueDescription: String { value.rawValue }
}

struct LogLevelOption: ExpressibleByArgument {
    var value: Logger.Level
    init?(argument: String) {
        guard let v = Logger.Level(rawValue: argument) else { return nil }
        value = v
    }
    static let info = LogLevelOption(argument: "info")!
    static var allValueStrings: [String] { Logger.Level.allCases.map(\.rawValue) }
    var defaultValueDescription: String { value.rawValue }
}

extension ProgressMode: ExpressibleByArgument {}

/// Prints an error for a person (values from `${VAR}` scrubbed) and exits with the code `ExitStatus` assigns.
func fail(with error: any Error, redact: Redactor = .none) -> ExitCode {
    let message: String
    if let specErrors = error as? JobSpecErrors {
        message = specErrors.errors.map { "error: \($0)" }.joined(separator: "\n")
    } else {
        message = "error: \(error)"
    }
    // Scrubbed first, then bounded: a cut never leaves half a secret behind.
    FileHandle.standardError.write(Data((MessageText.bounded(redact(message)) + "\n").utf8))
    return ExitCode(ExitStatus.code(for: error))
}
