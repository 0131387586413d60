import Foundation
import Logging

/// Collects log lines, so tests can search them for secrets.
public final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    public init() {}
    public func append(_ line: String) { lock.withLock { lines.append(line) } }
    public var text: String { lock.withLock { lines.joined(separator: "\n") } }
}

/// A swift-log handler writing every line, at every level, into a `CapturedLog`.
public struct CapturingLogHandler: LogHandler {
    public let log: CapturedLog
    public var logLevel: Logger.Level = .trace
    public var metadata: Logger.Metadata = [:]
    public init(log: CapturedLog) { self.log = log }
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    public func log(event: LogEvent) {
        log.append("\(event.level): \(event.message)")
    }
}
