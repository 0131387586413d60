import CGatewayShims
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A subprocess call as a value: what to run, where, with what. Unit tests check the argv of these
/// without running anything; one runner executes them.
public struct Command: Sendable, Equatable, CustomStringConvertible {
    public var executable: String
    public var arguments: [String]
    public var workingDirectory: URL?
    /// Added to (and overriding) the inherited environment — or, with `inheritsEnvironment` false,
    /// the child's whole environment.
    public var environment: [String: String]
    /// False for children that must not see this process's variables (Gateway's secrets among them).
    public var inheritsEnvironment: Bool
    public var standardInput: Data?

    public init(
        _ executable: String, _ arguments: [String] = [], in workingDirectory: URL? = nil,
        environment: [String: String] = [:], inheritsEnvironment: Bool = true, standardInput: Data? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.inheritsEnvironment = inheritsEnvironment
        self.standardInput = standardInput
    }

    /// The whole argv, executable first.
    public var argv: [String] { [executable] + arguments }

    public var description: String { argv.joined(separator: " ") }
}

public struct ProcessResult: Sendable, Equatable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    public var succeeded: Bool { status == 0 }
}

/// Runs commands. The live one spawns processes; tests may script answers.
public protocol ProcessRunning: Sendable {
    func run(_ command: Command) async throws -> ProcessResult
}

extension ProcessRunning {
    /// Runs and throws a readable error when the command exits non-zero.
    @discardableResult
    public func check(_ command: Command, what: String? = nil) async throws -> ProcessResult {
        let result = try await run(command)
        guard result.succeeded else {
            let detail = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            let shown = detail.isEmpty ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : detail
            throw GatewayError("\(what ?? command.description) failed (exit \(result.status)): \(shown)")
        }
        return result
    }
}

/// Spawns real processes with `posix_spawn` and waits with `waitpid`.
///
/// Not Foundation's `Process`: on Linux its exit detection can miss a child that started a daemon
/// (tmux starting its server), leaving `waitUntilExit` hanging beside a zombie. Output goes to unlinked
/// temporary files rather than pipes, because a daemon started by the child inherits its stdout and a
/// pipe would then never reach end-of-file.
public struct LiveProcessRunner: ProcessRunning {
    public init() {}

    /// The child is awaited on a thread of its own (`BlockingWait`): a slow one (curl waiting out a
    /// timeout) must not hold a thread the rest of the process runs on.
    public func run(_ command: Command) async throws -> ProcessResult {
        try await BlockingWait.run { try Self.runBlocking(command) }
    }

    /// Runs `command` on the calling thread, for callers that cannot await (tests' setup).
    public static func runBlocking(_ command: Command) throws -> ProcessResult {
        Self.ignoreBrokenPipes
        let executable = try resolve(command.executable).path
        let stdout = try TemporaryOutput()
        let stderr = try TemporaryOutput()
        var input: [Int32] = [-1, -1]
        if command.standardInput != nil, gw_pipe_cloexec(&input) != 0 {
            throw GatewayError("could not create a pipe: \(String(cString: strerror(errno)))")
        }
        defer { for fd in input where fd >= 0 { close(fd) } }

        let options = SpawnOptions(input: command.standardInput != nil ? .descriptor(input[0]) : .null,
                                   output: .descriptor(stdout.descriptor), errors: .descriptor(stderr.descriptor),
                                   directory: command.workingDirectory, environment: command.environment,
                                   inheritEnvironment: command.inheritsEnvironment)
        let pid = try Spawn.start(executable, command.arguments, options)
        if let data = command.standardInput {
            close(input[0])
            input[0] = -1
            writeAll(data, to: input[1])
            close(input[1])
            input[1] = -1
        }
        let status = try Spawn.wait(pid)
        return ProcessResult(
            status: status,
            stdout: String(decoding: stdout.contents(), as: UTF8.self),
            stderr: String(decoding: stderr.contents(), as: UTF8.self)
        )
    }

    /// A child that exits before reading all its input must not kill Gateway with SIGPIPE.
    static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    package static func writeAll(_ data: Data, to fd: Int32) {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress!.advanced(by: offset), buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// Finds a bare name on PATH, as a shell would.
    package static func resolve(_ executable: String) throws -> URL {
        if executable.contains("/") { return URL(fileURLWithPath: executable) }
        if let path = ExecutableLookup.find(executable) { return URL(fileURLWithPath: path) }
        throw GatewayError("\(executable) is not installed or not on PATH")
    }
}

/// Looks a program up on PATH.
public enum ExecutableLookup {
    /// Skips towns' `.gateway/agent-bin` folders: the `git` there waits for hook locks Gateway itself
    /// may hold, and Gateway run from an agent's hook inherits the agent's PATH.
    /// PATH comes from `getenv`: `ProcessInfo.environment` copies the whole environment into a
    /// dictionary, once for every child process started.
    public static func find(_ name: String, path: String? = getenv("PATH").map { String(cString: $0) }) -> String? {
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":") where !directory.hasSuffix("/.gateway/\(Town.agentBinDirectoryName)") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A value guarded by a lock, for handing results between threads.
public final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    public init(_ value: Value) { self.value = value }
    public func get() -> Value { lock.withLock { value } }
    public func set(_ newValue: Value) { lock.withLock { value = newValue } }
    public func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}

/// An anonymous file (created, then unlinked at once) that a child process writes its output into.
final class TemporaryOutput {
    let handle: FileHandle
    var descriptor: Int32 { handle.fileDescriptor }

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/gw-output-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { gw_mkstemp_cloexec($0.baseAddress!) }
        guard fd >= 0 else { throw GatewayError("could not create a temporary file: \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    func contents() -> Data {
        guard (try? handle.seek(toOffset: 0)) != nil, let data = try? handle.readToEnd() else { return Data() }
        return data
    }
}
