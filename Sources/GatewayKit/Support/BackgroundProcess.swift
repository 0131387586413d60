import CGatewayShims
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A long-running child (the demo's gw-model-sim): started with posix_spawn, its output in a file, and
/// stopped with SIGTERM. Unlike `LiveProcessRunner`, starting it does not wait for it to exit.
public final class BackgroundProcess: @unchecked Sendable {
    public let pid: pid_t
    public let outputFile: URL
    private let lock = NSLock()
    private var reaped = false

    public init(_ argv: [String], outputFile: URL, environment: [String: String] = [:]) throws {
        self.outputFile = outputFile
        guard FileManager.default.createFile(atPath: outputFile.path, contents: nil) else {
            throw GatewayError("could not create \(outputFile.path) for the output of \(argv[0])")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile.path, O_WRONLY | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var child = pid_t()
        let result = posix_spawn(&child, argv[0], &actions, &attributes, cArguments, cEnvironment)
        guard result == 0 else { throw GatewayError("could not start \(argv[0]): \(String(cString: strerror(result)))") }
        pid = child
    }

    /// Waits until the output holds a line starting with `prefix`; returns that line.
    public func waitForLine(startingWith prefix: String, timeout: TimeInterval) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                lock.withLock { reaped = true }
                throw GatewayError("\(outputFile.lastPathComponent): the process exited before it was ready: \(text.suffix(500))")
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw GatewayError("the process did not print \"\(prefix)\" within \(Int(timeout)) s")
    }

    /// SIGTERM, then SIGKILL if it has not exited within two seconds.
    public func stop() {
        guard lock.withLock({ !reaped }) else { return }
        defer { lock.withLock { reaped = true } }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<40 {
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
    }

    deinit { stop() }
}
