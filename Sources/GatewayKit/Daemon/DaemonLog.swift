import Foundation
import Logging
import GatewayCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `.gateway/daemon.log`: one line per event, `2026-11-26T01:02:03.456Z info message`, appended with
/// O_APPEND so lines from the daemon and from a crash's stderr never overwrite each other. A daemon runs
/// for months: past `maxBytes` the file moves to `daemon.log.1` (that one to `.2`, and the oldest goes),
/// so the log never grows without bound.
public final class DaemonLog: @unchecked Sendable {
    public let url: URL
    public let maxBytes: Int
    /// Rotated files kept beside the live one.
    public static let keptGenerations = 2
    private var descriptor: Int32
    private var size: Int
    private let lock = NSLock()
    /// True when stderr already is this file (`gw daemon start` sends it there): lines go once.
    public let stderrIsLog: Bool

    public static func file(for town: Town) -> URL { town.runtimeDirectory.appendingPathComponent("daemon.log") }

    public init(url: URL, maxBytes: Int = 8 * 1_048_576) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = try Self.openForAppend(url)
        self.url = url
        self.maxBytes = maxBytes
        self.descriptor = descriptor
        var info = stat()
        size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        stderrIsLog = Self.sameFile(descriptor, STDERR_FILENO)
    }

    deinit { close(descriptor) }

    /// Appends one timestamped line (each write is a single `write`, so lines stay whole).
    public func append(level: Logger.Level, _ message: String, at date: Date = Date()) {
        let line = Data("\(Self.timestamp(date)) \(level) \(message)\n".utf8)
        lock.withLock {
            if size + line.count > maxBytes, size > 0 { rotate() }
            LiveProcessRunner.writeAll(line, to: descriptor)
            size += line.count
        }
        if !stderrIsLog { FileHandle.standardError.write(line) }
    }

    /// The URL of rotated generation `n` (1 is the newest).
    public func generation(_ number: Int) -> URL { URL(fileURLWithPath: "\(url.path).\(number)") }

    /// Shifts the generations and starts a new file. When stdout and stderr were the old file (the
    /// daemon's own, where a crash's last words land), they follow to the new one. On failure the log
    /// keeps going in the old file: a full disk must not stop the daemon.
    private func rotate() {
        // An older generation that does not exist yet simply stays missing.
        for number in stride(from: Self.keptGenerations, to: 1, by: -1) where FileSystem.exists(generation(number - 1)) {
            rename(generation(number - 1).path, generation(number).path)
        }
        guard rename(url.path, generation(1).path) == 0, let fresh = try? Self.openForAppend(url) else { return }
        if stderrIsLog {
            dup2(fresh, STDOUT_FILENO)
            dup2(fresh, STDERR_FILENO)
        }
        close(descriptor)
        descriptor = fresh
        size = 0
    }

    private static func openForAppend(_ url: URL) throws -> Int32 {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, FileSystem.privateFileMode)
        guard descriptor >= 0 else { throw GatewayError("could not open the daemon log \(url.path): \(String(cString: strerror(errno)))") }
        return descriptor
    }

    /// A logger writing here (and to stderr unless stderr is this file) at `level` and above.
    public func logger(label: String = "gw-daemon", level: Logger.Level) -> Logger {
        var logger = Logger(label: label) { _ in DaemonLogHandler(log: self) }
        logger.logLevel = level
        return logger
    }

    /// ISO 8601 in UTC with milliseconds, written without Foundation's formatter (and the ICU data it
    /// would keep in the daemon's memory).
    static func timestamp(_ date: Date) -> String { UTCStamp.iso8601(date) }

    static func sameFile(_ first: Int32, _ second: Int32) -> Bool {
        var a = stat()
        var b = stat()
        guard fstat(first, &a) == 0, fstat(second, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }

    /// The last `count` lines of a log file (empty when it does not exist).
    public static func tail(_ url: URL, lines count: Int) -> [String] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        return lines.suffix(max(0, count)).map(String.init)
    }
}

/// swift-log's side of `DaemonLog`: metadata is appended as `key=value` pairs.
struct DaemonLogHandler: LogHandler {
    let log: DaemonLog
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let suffix = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        log.append(level: event.level, "\(event.message)\(suffix)")
    }
}

/// The daemon's `output`: what a command would print (a console notification) goes to the log.
public struct DaemonLogOutput: OutputSink {
    let log: DaemonLog

    public init(log: DaemonLog) { self.log = log }

    public func write(_ text: String) { emit(.notice, text) }
    public func writeError(_ text: String) { emit(.warning, text) }

    private func emit(_ level: Logger.Level, _ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) { log.append(level: level, String(line)) }
    }
}

extension DaemonLog {
    /// Calls `emit` with what is appended to `url` from now on, until cancelled. A file has no event to
    /// wait on portably, so this looks four times a second, as `tail -f` does.
    public static func follow(_ url: URL, clock: any WallClock, emit: @Sendable (String) -> Void) async throws {
        var offset = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? UInt64 ?? 0
        while !Task.isCancelled {
            if let handle = try? FileHandle(forReadingFrom: url) {
                defer { try? handle.close() }
                let size = try handle.seekToEnd()
                if size < offset { offset = 0 }  // rotated or truncated: start over
                if size > offset {
                    try handle.seek(toOffset: offset)
                    if let data = try handle.readToEnd() {
                        offset += UInt64(data.count)
                        emit(String(decoding: data, as: UTF8.self))
                    }
                }
            }
            // A file's growth has no portable event (inotify and kqueue differ): it is looked at four times a second.
            try await clock.sleep(for: .milliseconds(250))
        }
    }
}
