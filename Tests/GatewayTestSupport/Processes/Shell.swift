import Foundation
import GatewayCore

/// A real git repository with one commit, to add as a rig.
public func makeProject(in directory: URL, name: String = "project") async throws -> URL {
    let project = directory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
    try await shell("""
        git init -q -b main . && git config user.email t@example.com && git config user.name Test \
        && echo hello > README.md && git add README.md && git commit -q -m start
        """, in: project)
    return project
}

/// A product of this package (`gw`, `gw-model-sim`, `gw-agent-sim`), found beside the test runner,
/// which SwiftPM builds into the same folder.
public func builtProduct(_ name: String) throws -> URL {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    throw GatewayError("\(name) was not built next to the tests (looked from \(CommandLine.arguments[0])): run `swift build` first")
}

/// Runs a shell command for test setup; fails the test loudly when it fails. The child is awaited on a
/// thread of its own (`LiveProcessRunner`), so a test waiting for it holds none of the few threads
/// every other suite's tasks run on.
@discardableResult
public func shell(_ script: String, in directory: URL) async throws -> String {
    let result = try await LiveProcessRunner().run(Command("/bin/sh", ["-c", script], in: directory))
    guard result.succeeded else {
        throw GatewayError("setup command failed (\(result.status)): \(script)\n\(result.stderr)")
    }
    return result.stdout
}

/// Runs a built product and returns its result, awaited like `shell`.
public func runProduct(_ name: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], input: String? = nil) async throws -> ProcessResult {
    try await LiveProcessRunner().run(Command(try builtProduct(name).path, arguments, in: directory, environment: environment, standardInput: input.map { Data($0.utf8) }))
}

/// Runs `command` to its end and says how long it took from its start to its exit, both seen by the
/// thread that waits for it — not by the test's task, which a loaded machine may resume late. A test of
/// a command's own timeout checks this.
public func runTimed(_ command: Command) async throws -> (result: ProcessResult, seconds: TimeInterval) {
    try await onOwnThread {
        let start = ContinuousClock.now
        let result = try LiveProcessRunner.runBlocking(command)
        let elapsed = ContinuousClock.now - start
        return (result, elapsed.timeInterval)
    }
}
