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

    /// Runs `script` with `sh` in the town and returns every exit status it wrote as `status.N` files.
    func runScript(_ script: String) throws -> String {
        try shell(script, in: town.root)
    }
}

/// Writes a shell script that launches `count` copies of a command at once (`&`) and waits for all,
/// recording each one's exit status: every process is started before any is waited for.
func concurrentScript(count: Int, statusDirectory: URL, command: (Int) -> String) -> String {
    var lines = ["set -u"]
    for index in 1...count {
        lines.append("( \(command(index)) >\(statusDirectory.path)/out.\(index) 2>&1; echo $? > \(statusDirectory.path)/status.\(index) ) &")
    }
    lines.append("wait")
    return lines.joined(separator: "\n")
}

/// The exit statuses a `concurrentScript` recorded, with the output of the ones that failed.
func failedRuns(count: Int, statusDirectory: URL) throws -> [String] {
    try (1...count).compactMap { index in
        let status = try String(contentsOf: statusDirectory.appendingPathComponent("status.\(index)"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard status != "0" else { return nil }
        let output = (try? String(contentsOf: statusDirectory.appendingPathComponent("out.\(index)"), encoding: .utf8)) ?? ""
        return "run \(index) exited \(status): \(output)"
    }
}
