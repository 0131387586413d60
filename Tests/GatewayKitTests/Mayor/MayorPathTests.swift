import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayHooks
@testable import GatewayAgents
import GatewayTestSupport

/// A town whose path holds what tmux, /bin/sh and the tmux command parser would each read as syntax:
/// the Mayor (gw-agent-sim) must still run in its hook, with GW_TOWN and PATH as Gateway set them, and
/// its pane-died hook must name the right town so a crash restarts it. Read from /proc, so Linux only.
@Suite(.serialized) struct MayorPathTests {
    /// Every piece is a folder level, so `/` inside `#(…)` and `$(…)` is allowed.
    static func hostilePath(markers: URL) -> String {
        [
            "Notes#Work",
            "#{pane_id} #S ##W",
            "#(touch \(markers.path)/format-job)",
            "$(touch \(markers.path)/dollar) `touch \(markers.path)/backtick`",
            "it's \"quoted\"; ~ $HOME \\ end",
        ].joined(separator: "/")
    }

    static let rules = """
        [[rule]]
        match = "crash now"
        crash = true
        """

    @Test func aTownWhosePathTmuxAndTheShellWouldExpandRunsItsMayorInItsHook() async throws {
        #if os(Linux)
        let markers = TemporaryDirectory("gw-markers")
        let town = try await TestTown(.sim(rules: Self.rules), config: TestTown.quickMayor, path: Self.hostilePath(markers: markers.url))
        defer { town.close() }
        #expect(town.town.root.path.hasSuffix("Notes#Work/#{pane_id} #S ##W/#(touch \(markers.url.path)/format-job)/$(touch \(markers.url.path)/dollar) `touch \(markers.url.path)/backtick`/it's \"quoted\"; ~ $HOME \\ end"))
        try await town.gwOK(["mayor", "start"])
        try await expectAgentProcess(of: town)

        // The pane-died hook names this town: a crash is noticed and the Mayor restarted in its hook.
        _ = try await town.gw(["mayor", "send", "--timeout", "5s", "crash now"])
        try await town.waitForRestart(1)
        try await expectAgentProcess(of: town)
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "after the crash"]) == "ECHO: after the crash\n")

        let ran = try FileManager.default.contentsOfDirectory(atPath: markers.url.path)
        #expect(ran.isEmpty, "a command inside the town's path ran: \(ran)")
        #endif
    }

    /// tmux gives a pane its client's PATH over `-e PATH=…`; the agent must still find the agents' git
    /// first, also when it has no CLAUDE_ENV_FILE to fix its PATH later.
    @Test func theMayorsOwnProcessHasTheAgentsGitFirstOnItsPath() async throws {
        #if os(Linux)
        let town = try await TestTown(.sim(), config: TestTown.quickMayor)
        defer { town.close() }
        try await town.gwOK(["mayor", "start"])
        try await expectAgentProcess(of: town)
        #endif
    }

    /// The same rules as values: `#` doubled where tmux format-expands, the pane-died text quoted for
    /// tmux's parser on top, and the agent's PATH also the tmux client's own.
    @Test func tmuxCommandsCarryPathsLiterally() {
        let tmux = Tmux(socket: "gw-abc")
        let start = tmux.newSession("mayor", directory: URL(fileURLWithPath: "/t/a#{b}"), environment: ["PATH": "/bin-first:/usr/bin"],
                                    clientEnvironment: ["PATH": "/bin-first:/usr/bin"], argv: ["x"])
        #expect(start.arguments.contains("/t/a##{b}"))
        #expect(start.environment["PATH"] == "/bin-first:/usr/bin")
        let respawn = tmux.respawnPane("mayor", directory: URL(fileURLWithPath: "/t/#(x)"), environment: [:], clientEnvironment: [:], argv: ["x"])
        #expect(respawn.arguments.contains("/t/##(x)") && respawn.environment["PATH"] == nil)
        let hook = tmux.setPaneDiedHook("mayor", shellCommand: "gw agent-died mayor --town '/t/a #W'")
        #expect(hook.arguments.last == #"run-shell -b 'gw agent-died mayor --town '\''/t/a ##W'\'''"#)
        #expect(tmux.runShellInBackground("gw mayor deliver --town '/t/#S'").arguments.last == "gw mayor deliver --town '/t/##S'")
    }

    /// The agent in the pane works in the Mayor's hook, with GW_TOWN naming the town exactly and the
    /// agents' git first on its PATH.
    func expectAgentProcess(of town: TestTown, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let pid = try await town.panePID()
        let cwd = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")
        #expect(cwd == town.town.mayorDirectory.path, sourceLocation: sourceLocation)
        let environment = try Self.environment(of: pid)
        #expect(environment["GW_TOWN"] == town.town.root.path, sourceLocation: sourceLocation)
        let firstOnPath = environment["PATH"]?.split(separator: ":").first.map(String.init)
        #expect(firstOnPath == AgentGit(town: town.town).directory.path, "PATH=\(environment["PATH"] ?? "")", sourceLocation: sourceLocation)
    }

    /// A process's environment as the kernel holds it.
    static func environment(of pid: pid_t) throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        var variables: [String: String] = [:]
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return variables
    }
}
