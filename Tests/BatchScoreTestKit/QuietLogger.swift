import Logging

/// A logger that drops everything, for tests that do not look at logs.
public let quietLogger: Logger = {
    var l = Logger(label: "test") { _ in SwallowingLogHandler() }
    l.logLevel = .critical
    return l
}()

/// A log handler that keeps nothing.
public struct SwallowingLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .critical
    public init() {}
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    public func log(event: LogEvent) {}
}
