import Foundation
import Logging
@testable import GatewayKit
import GatewayCLI
@testable import GatewayCore

/// A temporary folder removed when the test ends.
final class TemporaryDirectory: @unchecked Sendable {
    let url: URL

    init(_ label: String = "gw-test") {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
            .resolvingSymlinksInPath()
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ component: String) -> URL { url.appendingPathComponent(component) }
}

extension GatewayEnvironment {
    /// Real processes, real HTTP (to the tests' loopback servers), a captured output, and the given
    /// working directory and variables.
    static func test(
        workingDirectory: URL, variables: [String: String] = [:], clock: any WallClock = SystemWallClock(),
        processes: any ProcessRunning = LiveProcessRunner()
    ) -> (GatewayEnvironment, CapturedOutput) {
        let output = CapturedOutput()
        var logger = Logger(label: "gw-test") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        base.merge(variables) { _, new in new }
        let environment = GatewayEnvironment(
            processes: processes, clock: clock, output: output, logger: logger,
            variables: base, workingDirectory: workingDirectory,
            executablePath: (try? builtProduct("gw").path) ?? "gw", ledgers: .gateway(), http: CurlHTTPClient(processes: LiveProcessRunner()))
        return (environment, output)
    }
}

/// Runs a shell command for test setup; fails the test loudly when it fails.
@discardableResult
func shell(_ script: String, in directory: URL) throws -> String {
    let result = try LiveProcessRunner.runBlocking(Command("/bin/sh", ["-c", script], in: directory))
    guard result.succeeded else {
        throw GatewayError("setup command failed (\(result.status)): \(script)\n\(result.stderr)")
    }
    return result.stdout
}

/// A real git repository with one commit, to add as a rig.
func makeProject(in directory: URL, name: String = "project") throws -> URL {
    let project = directory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
    try shell("""
        git init -q -b main . && git config user.email t@example.com && git config user.name Test \
        && echo hello > README.md && git add README.md && git commit -q -m start
        """, in: project)
    return project
}

/// A product of this package (`gw`, `gw-model-sim`, `gw-agent-sim`), found beside the test runner,
/// which SwiftPM builds into the same folder.
func builtProduct(_ name: String) throws -> URL {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    throw GatewayError("\(name) was not built next to the tests (looked from \(CommandLine.arguments[0])): run `swift build` first")
}

/// `shell` for async code: the child is awaited on a thread of its own (`LiveProcessRunner`), so a
/// test waiting for it holds none of the few threads every other suite's tasks run on. Swift picks
/// this one wherever `await` is possible.
@discardableResult
func shell(_ script: String, in directory: URL) async throws -> String {
    let result = try await LiveProcessRunner().run(Command("/bin/sh", ["-c", script], in: directory))
    guard result.succeeded else {
        throw GatewayError("setup command failed (\(result.status)): \(script)\n\(result.stderr)")
    }
    return result.stdout
}

/// `runProduct` for async code, awaited like `shell`.
func runProduct(_ name: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], input: String? = nil) async throws -> ProcessResult {
    try await LiveProcessRunner().run(Command(try builtProduct(name).path, arguments, in: directory, environment: environment, standardInput: input.map { Data($0.utf8) }))
}

/// Runs a built product and returns its result.
func runProduct(_ name: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], input: String? = nil) throws -> ProcessResult {
    try LiveProcessRunner.runBlocking(Command(try builtProduct(name).path, arguments, in: directory, environment: environment, standardInput: input.map { Data($0.utf8) }))
}

/// Runs a `gw` command line in this process with a test environment; returns exit code and output.
func gw(_ arguments: [String], in directory: URL, variables: [String: String] = [:]) async -> (code: Int32, stdout: String, stderr: String) {
    let (environment, output) = GatewayEnvironment.test(workingDirectory: directory, variables: variables)
    let code = await GatewayMain.execute(arguments: arguments, environment: environment)
    return (code, output.stdout, output.stderr)
}

/// Installs a town at `<dir>/town` and returns it.
func installTown(in directory: TemporaryDirectory, name: String = "town") async throws -> Town {
    let (environment, _) = GatewayEnvironment.test(workingDirectory: directory.url)
    let outcome = try await TownInstaller(environment: environment).install(at: directory.path(name), name: nil, force: false)
    guard case .created(let town) = outcome else { throw GatewayError("expected a new town") }
    return town
}

/// Polls `probe` every 100 ms until it returns a value: the facts tests wait for live in other
/// processes (the ledger, tmux, the servers' logs), with no event to wait on. The timeout is generous
/// for a loaded machine; `context` adds what helps read a timeout (a daemon's log, a screen).
@discardableResult
func pollUntil<T>(_ what: String, timeout: TimeInterval = 60, context: () -> String = { "" },
                  _ probe: () async throws -> T?) async throws -> T {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if let value = try await probe() { return value }
        if Date() >= deadline { throw GatewayError("timed out after \(Int(timeout)) s waiting for \(what)\(context())") }
        try await Task.sleep(for: .milliseconds(100))
    }
}
