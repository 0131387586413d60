import Foundation
@testable import GatewayKit

/// A fresh town made by the real installer, with a hook store over it.
struct HookTown {
    let directory = TemporaryDirectory("gw-hooks")
    let town: Town
    let environment: GatewayEnvironment

    init(settings: HooksSettings = .init(), clock: any WallClock = SystemWallClock()) async throws {
        let root = directory.path("town")
        let (environment, _) = GatewayEnvironment.test(workingDirectory: directory.url, clock: clock)
        self.environment = environment
        guard case .created(let town) = try await TownInstaller(environment: environment).install(at: root, name: nil, force: false) else {
            throw GatewayError("the test town was not created")
        }
        self.town = town
        self.settings = settings
    }

    let settings: HooksSettings

    var store: HookStore { HookStore(environment: environment, town: town, settings: settings) }

    /// Runs git in a folder and returns its stdout; fails the test when git fails.
    @discardableResult
    func git(_ arguments: String, in folder: URL? = nil) throws -> String {
        try shell("git \(arguments)", in: folder ?? town.root)
    }

    func commitCount(_ agent: String) throws -> Int {
        Int(try git("rev-list --count refs/heads/hooks/\(agent)").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}

/// Starts every command before waiting for any, so they really run at once; returns the commands
/// that failed, with their output. Each child opens its own input and output files (through `sh`), so
/// the test process hands no file descriptors around while other tests spawn processes in parallel.
/// (Not `&` and `wait` in one shell either: that `wait` never returns when the runner blocks SIGCHLD.)
func failuresRunningAtOnce(_ commands: [(arguments: [String], input: String?)], in directory: URL, outputs: URL) throws -> [String] {
    try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
    var running: [(Process, URL)] = []
    for (index, command) in commands.enumerated() {
        let input = outputs.appendingPathComponent("in.\(index)")
        let log = outputs.appendingPathComponent("out.\(index)")
        try Data((command.input ?? "").utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \"$@\" <'\(input.path)' >'\(log.path)' 2>&1", "sh"] + command.arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        running.append((process, log))
    }
    return running.enumerated().compactMap { index, entry in
        entry.0.waitUntilExit()
        guard entry.0.terminationStatus != 0 else { return nil }
        let output = (try? String(contentsOf: entry.1, encoding: .utf8)) ?? ""
        return "command \(index) (\(commands[index].arguments.joined(separator: " "))) exited \(entry.0.terminationStatus): \(output)"
    }
}
