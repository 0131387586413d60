import Foundation
import Testing
import GatewayCore

extension TestTown {
    /// Runs the built `gw ARGS --town TOWN` as a child process, with the town's variables (and `extra`),
    /// to its end. The kit's tests run gw this way; GatewayCLITests also run the command tree in-process.
    public func gw(_ arguments: [String], variables extra: [String: String] = [:], input: String? = nil) async throws -> ProcessResult {
        try await LiveProcessRunner().run(Command(
            try builtProduct("gw").path, arguments + ["--town", town.root.path], in: directory.url,
            environment: variables.merging(extra) { _, new in new }, standardInput: input.map { Data($0.utf8) }))
    }

    /// Runs `gw` and fails the test, with its output and the Mayor's screen, unless it exits 0; returns stdout.
    @discardableResult
    public func gwOK(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await gw(arguments)
        if !result.succeeded {
            let screen = await screen()
            Issue.record("gw \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)\(result.stdout)\nscreen:\n\(screen)",
                         sourceLocation: sourceLocation)
        }
        return result.stdout
    }

    /// Waits (polling: the facts live in other processes) until `probe` returns a value; a timeout shows
    /// the Mayor's screen and, when a daemon ran, its log.
    @discardableResult
    public func wait<T>(_ what: String, timeout: Double = 180, _ probe: () async throws -> T?) async throws -> T {
        try await pollUntil(what, timeout: timeout, context: { [self] in
            let log = daemonLog
            return "; screen:\n\(await screen())" + (log.isEmpty ? "" : "\nDaemon log:\n\(log)")
        }, probe)
    }
}
