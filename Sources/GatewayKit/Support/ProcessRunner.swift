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
    /// Added to (and overriding) the inherited environment.
    public var environment: [String: String]
    public var standardInput: Data?

    public init(
        _ executable: String, _ arguments: [String] = [], in workingDirectory: URL? = nil,
        environment: [String: String] = [:], standardInput: Data? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.environment = environment
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

    public func run(_ command: Command) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.runBlocking(command) })
            }
        }
    }

    static func runBlocking(_ command: Command) throws -> ProcessResult {
        Self.ignoreBrokenPipes
        let executable = try resolve(command.executable).path
        let stdout = try TemporaryOutput()
        let stderr = try TemporaryOutput()
        var input: [Int32] = [-1, -1]
        if command.standardInput != nil, gw_pipe_cloexec(&input) != 0 {
            throw GatewayError("could not create a pipe: \(String(cString: strerror(errno)))")
        }
        defer { for fd in input where fd >= 0 { close(fd) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if command.standardInput != nil {
            posix_spawn_file_actions_adddup2(&actions, input[0], 0)
            posix_spawn_file_actions_addclose(&actions, input[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdout.descriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr.descriptor, 2)
        if let directory = command.workingDirectory {
            gw_spawn_file_actions_addchdir(&actions, directory.path)
        }
        // Only stdin, stdout and stderr reach the child: `gw mayor start` run by a Foundation Process
        // would otherwise hand that Process's exit-watching descriptor to the tmux server, and the
        // caller would wait for the server to exit.
        gw_spawn_file_actions_addclosefrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child gets default signal handling back: Gateway ignores SIGPIPE itself, and the daemon
        // ignores SIGTERM and SIGINT (ServiceLifecycle handles them) — an ignored signal survives exec,
        // and a tmux server or agent the daemon starts must still stop when told to.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // Threads of the Dispatch pool run with signals blocked, and a child inherits that mask: an agent
        // (or a tmux server) started so would ignore SIGTERM. Children start with nothing blocked.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let environment = command.environment.isEmpty
            ? ProcessInfo.processInfo.environment
            : ProcessInfo.processInfo.environment.merging(command.environment) { _, new in new }
        let argv = ([executable] + command.arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw GatewayError("could not start \(command.executable): \(String(cString: strerror(spawned)))")
        }
        if let data = command.standardInput {
            close(input[0])
            input[0] = -1
            writeAll(data, to: input[1])
            close(input[1])
            input[1] = -1
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { throw GatewayError("waiting for \(command.executable) failed: \(String(cString: strerror(errno)))") }
        }
        return ProcessResult(
            status: Self.exitCode(status),
            stdout: String(decoding: stdout.contents(), as: UTF8.self),
            stderr: String(decoding: stderr.contents(), as: UTF8.self)
        )
    }

    /// A child that exits before reading all its input must not kill Gateway with SIGPIPE.
    static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// The exit status, or 128 + the signal for a child killed by one (as shells report it).
    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    static func writeAll(_ data: Data, to fd: Int32) {
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
    static func resolve(_ executable: String) throws -> URL {
        if executable.contains("/") { return URL(fileURLWithPath: executable) }
        if let path = ExecutableLookup.find(executable) { return URL(fileURLWithPath: path) }
        throw GatewayError("\(executable) is not installed or not on PATH")
    }
}

/// Looks a program up on PATH.
public enum ExecutableLookup {
    /// Skips towns' `.gateway/agent-bin` folders: the `git` there waits for hook locks Gateway itself
    /// may hold, and Gateway run from an agent's hook inherits the agent's PATH.
    public static func find(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":") where !directory.hasSuffix("/.gateway/\(AgentGit.directoryName)") {
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
