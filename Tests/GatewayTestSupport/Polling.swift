import Foundation
import GatewayCore

/// Polls `probe` every 100 ms until it returns a value: the facts tests wait for live in other
/// processes (the ledger, tmux, the servers' logs), with no event to wait on. The timeout only stops a
/// test that hangs, so it is generous for a machine loaded many times over (several full test runs
/// and builds at once); `context` adds what helps read a timeout (a daemon's log, a screen).
@discardableResult
public func pollUntil<T>(_ what: String, timeout: TimeInterval = 180, context: () async -> String = { "" },
                         _ probe: () async throws -> T?) async throws -> T {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if let value = try await probe() { return value }
        if Date() >= deadline { throw GatewayError("timed out after \(Int(timeout)) s waiting for \(what)\(await context())") }
        try await Task.sleep(for: .milliseconds(100))
    }
}

/// Waits until `condition` holds, checking every 50 ms, for at most `timeout` seconds (generous:
/// the machine is shared). Used where the event is a file another process writes. It suspends rather
/// than blocks between checks: Swift's pool has one thread per core, and a blocked one starves every
/// other test in the process.
public func waitUntil(timeout: TimeInterval, _ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try await !condition() {
        guard Date() < deadline else { throw GatewayError("timed out after \(Int(timeout)) s waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}
