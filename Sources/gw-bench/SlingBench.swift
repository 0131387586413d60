import Foundation
import GatewayKit
import Logging
import GatewayCore
import GatewayAgents
import GatewayWork

/// N slings (default 20; `GW_BENCH_QUICK=1`: 5) with instant answers, under the default cap of 4
/// polecats: total wall time, next to the same N turns sent to one agent in sequence (no worktrees, no
/// start-ups); and the memory of one polecat's agent process (its RSS). Run on gw-agent-sim — the floor
/// without Claude's own start-up — and, with GW_CLAUDE_BIN, on the real Claude Code against an instant
/// gw-model-sim.
struct SlingBench: BenchSuite {
    let name = "sling"

    enum Agent: String { case sim, claude }

    func run(_ reporter: BenchReporter) async throws {
        try await run(.sim, reporter)
        if let claude = ProcessInfo.processInfo.environment["GW_CLAUDE_BIN"], FileManager.default.isExecutableFile(atPath: claude) {
            try await run(.claude, reporter)
        } else {
            FileHandle.standardError.write(Data("sling.claude: skipped — set GW_CLAUDE_BIN (scripts/bench fetches it)\n".utf8))
        }
    }

    func run(_ agent: Agent, _ reporter: BenchReporter) async throws {
        let count = ProcessInfo.processInfo.environment["GW_BENCH_QUICK"] == "1" ? 5 : 20
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gw-bench-sling-\(agent.rawValue)-\(getpid())").resolvingSymlinksInPath()
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let model = agent == .claude ? try ModelSimRunner(logDirectory: base) : nil
        defer { model?.stop() }
        let (environment, town) = try await Self.makeTown(base, agent: agent, modelURL: model?.baseURL)
        defer { Bench.killTmuxServer(town.tmuxSocket) }
        let config = try town.loadConfig()
        let supervisor = PolecatSupervisor(environment: environment, town: town, config: config)

        let started = Date()
        var ids: [Int64] = []
        var rss: Double?
        for index in 0..<count {
            let polecat = try await supervisor.sling(SlingRequest(rig: "app", text: "task \(index)", profile: agent.rawValue))
            ids.append(polecat.id)
            if rss == nil, let session = polecat.agent { rss = try Self.agentRSS(town: town, session: session) }
        }
        let ended = try await withThrowingTaskGroup(of: Polecat.self) { group in
            for id in ids { group.addTask { try await supervisor.wait(for: id, timeout: 600) } }
            var all: [Polecat] = []
            for try await polecat in group { all.append(polecat) }
            return all
        }
        let parallel = Date().timeIntervalSince(started) * 1000
        guard ended.allSatisfy({ $0.state == .done }) else {
            throw GatewayError("bench: \(ended.filter { $0.state != .done }.count) of \(count) slings failed: \(ended.compactMap(\.error).first ?? "")")
        }

        let sequential = try await Self.sequentialTurns(count, profile: agent.rawValue, environment: environment, town: town, config: config)
        let prefix = "sling.\(agent.rawValue)"
        reporter.report("\(prefix).same_\(count)_turns_one_agent_in_sequence_wall", sequential, "ms")
        reporter.report("\(prefix).\(count)_slings_cap_\(config.polecats.max)_wall", parallel, "ms",
                        baseline: "\(prefix).same_\(count)_turns_one_agent_in_sequence_wall")
        reporter.report("\(prefix).per_sling", parallel / Double(count), "ms")
        if let rss { reporter.report("\(prefix).polecat_agent_rss", rss, "KiB") }
    }

    /// The floor: one agent, already started, answering the same prompts one after another.
    static func sequentialTurns(_ count: Int, profile: String, environment: GatewayEnvironment, town: Town, config: GatewayConfig) async throws -> Double {
        let runtime = AgentRuntime(environment: environment, town: town, settings: config.agentSettings, name: "bench-sequence",
                                   profile: config.profile(profile), directory: town.root)
        let lifecycle = AgentLifecycle(runtime: runtime)
        let delivery = TurnDelivery(lifecycle: lifecycle)
        let ledger = try runtime.openLedger()
        try await lifecycle.start(fresh: true)
        let started = Date()
        for index in 0..<count {
            let id = try await ledger.enqueueTurn(agent: runtime.name, text: "task \(index)", source: "bench", at: Date())
            try await delivery.deliverQueued(deadline: Date().addingTimeInterval(60))
            guard try await delivery.waitForEnd(id, timeout: 60).state == .done else { throw GatewayError("bench: turn \(id) did not finish") }
        }
        return Date().timeIntervalSince(started) * 1000
    }

    /// Resident memory of the process in a polecat's pane, from /proc (Linux); nil elsewhere.
    static func agentRSS(town: Town, session: String) throws -> Double? {
        let pipe = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "-L", town.tmuxSocket, "display-message", "-p", "-t", "=\(session):", "#{pane_pid}"]
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let pid = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !pid.isEmpty, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
        return line.flatMap { Double($0.split(separator: " ").dropFirst().first ?? "") }
    }

    static func makeTown(_ base: URL, agent: Agent, modelURL: String?) async throws -> (GatewayEnvironment, Town) {
        var logger = Logger(label: "gw-bench") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let environment = GatewayEnvironment(processes: LiveProcessRunner(), clock: SystemWallClock(), output: StandardOutput(),
                                             logger: logger, variables: ProcessInfo.processInfo.environment,
                                             workingDirectory: base, executablePath: Bench.product("gw"), ledgers: .gateway())
        guard case .created(let town) = try await TownInstaller(environment: environment)
            .install(at: base.appendingPathComponent("town"), name: "bench", force: false) else {
            throw GatewayError("bench: the town already existed")
        }
        let rules = base.appendingPathComponent("rules.toml")
        try FileSystem.writeAtomically("[[rule]]\nreply = \"Done.\"\n", to: rules)
        let claudeHome = base.appendingPathComponent("claude-config")
        var config = try String(contentsOf: town.configFile, encoding: .utf8)
        config = config.replacingOccurrences(of: "\n[mayor]\n", with: "\n[mayor]\nagent = \"sim\"\nsubmit_timeout = \"5s\"\n")
        config += "\n[agents.sim]\nenv = { GW_SIM_RULES = \"\(rules.path)\", CLAUDE_CONFIG_DIR = \"\(claudeHome.path)\" }\n"
        if agent == .claude, let modelURL, let claude = ProcessInfo.processInfo.environment["GW_CLAUDE_BIN"] {
            config += try BenchClaude.profile(command: claude, home: claudeHome, modelURL: modelURL)
        }
        try FileSystem.writeAtomically(config, to: town.configFile)
        let project = base.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try Bench.shell("git init -q -b main . && git -c user.email=b@example.com -c user.name=Bench commit -q --allow-empty -m start", in: project)
        _ = try await RigManager(environment: environment, town: town).add(name: "app", source: project.path)
        return (environment, town)
    }
}
