import CGatewayShims
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How Gateway starts every child process: `posix_spawn`, never Foundation's `Process`, whose exit
/// detection on Linux is tied to descriptors that a daemon started by the child (the tmux server) keeps
/// open. Every child starts with no signal blocked and the usual ones at their default action — threads
/// of the Dispatch pool block signals and the daemon ignores SIGTERM and SIGINT, and both would
/// otherwise be inherited, so an agent or tmux server would not stop when told — and with only the
/// descriptors named here.
public struct SpawnOptions: Sendable {
    public enum Input: Sendable {
        case null
        case inherit
        /// A descriptor of this process (a pipe's read end), dup'ed to the child's stdin.
        case descriptor(Int32)
    }

    public enum Output: Sendable {
        case null
        case inherit
        /// Appended to, created when missing.
        case append(URL)
        /// Emptied first, created when missing.
        case truncate(URL)
        case descriptor(Int32)
        /// stderr only: wherever stdout goes.
        case sameAsStdout
    }

    public var input: Input = .null
    public var output: Output = .inherit
    public var errors: Output = .inherit
    public var directory: URL?
    /// Variables added to (and overriding) this process's environment — or, with `inheritEnvironment`
    /// false, the child's whole environment.
    public var environment: [String: String] = [:]
    public var inheritEnvironment = true
    /// Starts a new session, detached from any terminal (the daemon).
    public var newSession = false

    public init(input: Input = .null, output: Output = .inherit, errors: Output = .inherit, directory: URL? = nil,
                environment: [String: String] = [:], inheritEnvironment: Bool = true, newSession: Bool = false) {
        self.input = input
        self.output = output
        self.errors = errors
        self.directory = directory
        self.environment = environment
        self.inheritEnvironment = inheritEnvironment
        self.newSession = newSession
    }
}

public enum Spawn {
    /// Starts `executable` (a path) with `arguments`; returns its pid for `wait`.
    public static func start(_ executable: String, _ arguments: [String], _ options: SpawnOptions = .init()) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch options.input {
        case .null: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .inherit: break
        case .descriptor(let fd): posix_spawn_file_actions_adddup2(&actions, fd, 0)
        }
        addOutput(options.output, to: 1, &actions)
        addOutput(options.errors, to: 2, &actions)
        if let directory = options.directory { gw_spawn_file_actions_addchdir(&actions, directory.path) }
        // Only stdin, stdout and stderr reach the child, whatever another thread left open meanwhile
        // (on macOS, POSIX_SPAWN_CLOEXEC_DEFAULT below does the same).
        gw_spawn_file_actions_addclosefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        var flags = Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK) | gw_posix_spawn_cloexec_default_flag()
        if options.newSession { flags |= gw_posix_spawn_setsid_flag() }
        posix_spawnattr_setflags(&attributes, flags)

        let variables = options.inheritEnvironment
            ? ProcessInfo.processInfo.environment.merging(options.environment) { _, new in new }
            : options.environment
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw GatewayError("could not start \(executable): \(String(cString: strerror(spawned)))") }
        return pid
    }

    /// Waits for `pid` to end; its exit status, or 128+N when signal N ended it (as a shell says).
    public static func wait(_ pid: pid_t) throws -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw GatewayError("waiting for process \(pid) failed: \(String(cString: strerror(errno)))") }
        }
        return exitStatus(status)
    }

    /// `wait(_:)` on a thread of its own (`BlockingWait`), leaving Swift's few threads free meanwhile.
    public static func waitForExit(_ pid: pid_t) async throws -> Int32 {
        try await BlockingWait.run { try wait(pid) }
    }

    /// WIFEXITED / WEXITSTATUS / WTERMSIG, spelled out because the C macros do not import.
    public static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func addOutput(_ output: SpawnOptions.Output, to target: Int32, _ actions: inout posix_spawn_file_actions_t) {
        switch output {
        case .null: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
        case .inherit: break
        case .append(let url): posix_spawn_file_actions_addopen(&actions, target, url.path, O_WRONLY | O_CREAT | O_APPEND, FileSystem.privateFileMode)
        case .truncate(let url): posix_spawn_file_actions_addopen(&actions, target, url.path, O_WRONLY | O_CREAT | O_TRUNC, FileSystem.privateFileMode)
        case .descriptor(let fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
        case .sameAsStdout: posix_spawn_file_actions_adddup2(&actions, 1, target)
        }
    }
}
