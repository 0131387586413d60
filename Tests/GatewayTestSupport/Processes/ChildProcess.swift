import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GatewayCore

/// A child process started with posix_spawn (stdin /dev/null, stdout and stderr to a file), that the
/// test signals and reaps itself.
public final class ChildProcess: @unchecked Sendable {
    public let pid: Int32
    public let outputFile: URL
    private var exitCode: Int32?

    public init(_ executable: String, _ arguments: [String], environment: [String: String], output: URL) throws {
        outputFile = output
        let pid = try Spawn.start(executable, arguments, SpawnOptions(output: .append(output), errors: .sameAsStdout, environment: environment))
        self.pid = pid
    }

    deinit {
        if exitCode == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    public var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    public func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the exit (reaping it); returns the exit code, 128+N for a signal, nil on timeout.
    public func wait(timeout: Double = 180) async throws -> Int32? {
        if let exitCode { return exitCode }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let code = Spawn.exitStatus(status)
                exitCode = code
                return code
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}
