import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A long-running child (the demo's gw-model-sim): started with `Spawn`, its output in a file, and
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
        pid = try Spawn.start(argv[0], Array(argv.dropFirst()), SpawnOptions(
            output: .append(outputFile), errors: .sameAsStdout, environment: environment))
    }

    /// Waits until the output holds a line starting with `prefix`; returns that line.
    public func waitForLine(startingWith prefix: String, timeout: TimeInterval, clock: any WallClock) async throws -> String {
        let line = try await clock.poll(every: .milliseconds(50), until: clock.now().addingTimeInterval(timeout)) { () throws -> String? in
            let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                lock.withLock { reaped = true }
                throw GatewayError("\(outputFile.lastPathComponent): the process exited before it was ready: \(text.suffix(500))")
            }
            return nil
        }
        guard let line else { throw GatewayError("the process did not print \"\(prefix)\" within \(Int(timeout)) s") }
        return line
    }

    /// SIGTERM, then SIGKILL if it has not exited within two seconds.
    public func stop() {
        guard lock.withLock({ !reaped }) else { return }
        defer { lock.withLock { reaped = true } }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        // A blocking wait on purpose: `deinit` calls this and cannot suspend, and the child must be reaped
        // before the object goes. It lasts two seconds at most.
        for _ in 0..<40 {
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
    }

    deinit { stop() }
}
