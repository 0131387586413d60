import Foundation

/// Where the answer the user asked for goes (stdout). Diagnostics go through the logger instead.
public protocol OutputSink: Sendable {
    func write(_ text: String)
    func writeError(_ text: String)
}

extension OutputSink {
    public func line(_ text: String = "") { write(text + "\n") }
    public func errorLine(_ text: String) { writeError(text + "\n") }
}

public struct StandardOutput: OutputSink {
    public init() {}
    public func write(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
    public func writeError(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

/// Collects output in memory, for tests.
public final class CapturedOutput: OutputSink, @unchecked Sendable {
    private let lock = NSLock()
    private var out = ""
    private var err = ""

    public init() {}
    public func write(_ text: String) { lock.withLock { out += text } }
    public func writeError(_ text: String) { lock.withLock { err += text } }
    public var stdout: String { lock.withLock { out } }
    public var stderr: String { lock.withLock { err } }
}
