import Foundation
import GatewayCore
import GatewayHooks
import GatewayAgents
import GatewayMemory
import GatewayChat

/// `gw agent-event EVENT`: what an agent's hook runs. It records the payload in the ledger, advances the
/// turn it concerns, pokes the daemon (which acts on it at once: the next turn, a beat's end), and
/// returns; for SessionStart it prints the priming text the agent adds to its context.
///
/// Claude waits for every hook, so the Mayor's Stop does the least it can when a daemon runs: it stores
/// the reply, leaves the turn `replied`, and the daemon extracts the session and commits it before it
/// marks the turn done (`ReplyBookkeeping`). Without a daemon the hook does all of it itself.
public struct AgentEventRecorder: Sendable {
    let environment: GatewayEnvironment
    let town: Town

    public init(environment: GatewayEnvironment, town: Town) {
        self.environment = environment
        self.town = town
    }

    /// Records one event; returns what the hook should print on stdout (nil: nothing).
    public func record(event name: HookEventName, agent: String, payload: String) async throws -> (outcome: HookOutcome, output: String?) {
        var event = HookEvent(name: name, json: payload)
        // The agent names its transcript; only a regular file in its own Claude folder is read.
        if let path = event.transcriptPath {
            switch TranscriptAccess(home: ClaudeConfigHome(variables: environment.variables)).check(path) {
            // Kept as the agent spelled it: the memory's read offsets are keyed by that path. Were it
            // swapped for something else after this check, the reads are still capped.
            case .success: break
            case .failure(let refusal):
                environment.logger.warning("\(name) hook of \(agent): \(refusal.message)")
                event.transcriptPath = nil
            }
        }
        var fallback: String?
        if name == .stop, event.lastAssistantMessage == nil, let path = event.transcriptPath {
            fallback = await transcriptReply(at: URL(fileURLWithPath: path))
        }
        let config = ConfigOnce(town)
        let memoryConfig: @Sendable () throws -> MemoryConfig = { try config.value().memoryConfig }
        let memory = agent == Hook.mayor ? MayorMemoryHooks(environment: environment, town: town, config: memoryConfig) : nil
        let doorbell = DaemonDoorbell(town: town)
        let ledger = try environment.ledger(town)
        // A Stop that ends one of the Mayor's turns is left to the daemon when one runs.
        let handsOver = memory != nil && name == .stop && DaemonPidFile.runningPid(town) != nil
        var outcome: HookOutcome
        if handsOver {
            outcome = try await ledger.applyHookEvent(event, agent: agent, at: environment.clock.now(), replyFallback: fallback, deferBookkeeping: true)
            await noteLimit(event, fallback: fallback, agent: agent, ledger: ledger, config: config)
            if outcome.turnState == .replied {
                if doorbell.ring(.hook, agent: agent) { return (outcome, nil) }
                // The daemon did not take the poke (it stopped a moment ago): finish here.
                let bookkeeping = ReplyBookkeeping(environment: environment, town: town, claudeHome: ClaudeConfigHome(variables: environment.variables), config: memoryConfig)
                if let turnId = outcome.turnId, let turn = try await ledger.turn(turnId), try await bookkeeping.finish(turn, ledger: ledger) {
                    outcome.turnState = .done
                }
                doorbell.ring(.ended, agent: agent)
                return (outcome, nil)
            }
            // A Stop of no turn (someone typed into the Mayor's pane): its words are extracted here.
            let contextTokens = await memory?.beforeRecording(event, reply: event.lastAssistantMessage ?? fallback)
            doorbell.ring(.hook, agent: agent)
            await memory?.afterRecording(event, outcome: outcome, contextTokens: contextTokens)
            return (outcome, nil)
        }
        let contextTokens = await memory?.beforeRecording(event, reply: event.lastAssistantMessage ?? fallback)
        outcome = try await ledger.applyHookEvent(event, agent: agent, at: environment.clock.now(), replyFallback: fallback)
        await noteLimit(event, fallback: fallback, agent: agent, ledger: ledger, config: config)
        // Only for agents Gateway runs (the Mayor, polecats): at any other Claude Code a person sits at
        // the terminal, and its own dialog asks them.
        var runByGateway = agent == Hook.mayor
        if name == .permissionRequest, !runByGateway { runByGateway = try await ledger.agent(agent) != nil }
        if name == .permissionRequest, runByGateway, let config = try? config.value() {
            // Asked in the chat when one can answer and a daemon polls it; otherwise the owner answers
            // with `gw mayor allow|deny`, told at once. Either way the hook waits and returns the answer,
            // and nobody answering denies it (fail closed): an unattended agent never waits for ever.
            let settings = config.agentSettings
            let viaChat = settings.permissionWait != nil && DaemonPidFile.runningPid(town) != nil
            let wait = viaChat ? settings.permissionWait! : settings.watchdog.permissionTimeout.seconds
            doorbell.ring(.hook, agent: agent)
            let waiter = ChatPermissionWaiter(environment: environment, town: town, ledger: ledger, wait: wait)
            let answer = try await waiter.decide(agent: agent, tool: event.toolName ?? "a tool", input: event.toolInput ?? "") { request in
                guard !viaChat else { return }
                let who = agent == Hook.mayor ? "The Mayor" : agent
                try await OwnerAlert(runtime: .mayor(environment: environment, town: town, config: config), ledger: ledger).send(
                    source: "permission:\(agent):\(request.id)", title: "\(who) waits for your permission",
                    text: "\(who) asks to use \(ChatPermission.visible(event.toolName ?? "a tool")): \(ChatPermission.visible(String((event.toolInput ?? "").prefix(500))))\nAnswer with `gw mayor allow \(request.id)` or `gw mayor deny \(request.id)` within \(ConfigDuration.seconds(wait)); without an answer it is denied.")
            }
            return (outcome, answer)
        }
        // The ledger holds the event now: the daemon may act on it while the rest of this hook runs.
        doorbell.ring(outcome.turnState?.hasEnded == true ? .ended : .hook, agent: agent)
        // Once more as the hook ends, when it did more after recording: for what the agent shows only
        // once its hooks have returned (an idle input line) and what the memory upkeep queued.
        defer { if memory != nil || name == .sessionStart { doorbell.ring(.hook, agent: agent) } }
        await memory?.afterRecording(event, outcome: outcome, contextTokens: contextTokens)
        guard name == .sessionStart else { return (outcome, nil) }
        do {
            try AgentGit(town: town).exportToClaudeSession(envFile: environment.variables["CLAUDE_ENV_FILE"])
        } catch {
            environment.logger.warning("could not put the agents' git on \(agent)'s PATH: \(error)")
        }
        let context = SessionPriming(environment: environment, town: town).text(agent: agent, source: event.source)
        return (outcome, Self.additionalContext(context, event: name))
    }

    /// A turn that ended on a usage or rate limit pauses the agent's deliveries until the reset; one that
    /// ended well clears the count of limits in a row. Trouble here is logged: the hook goes on.
    func noteLimit(_ event: HookEvent, fallback: String?, agent: String, ledger: Ledger, config: ConfigOnce) async {
        guard event.name == .stop || event.name == .stopFailure else { return }
        let message = event.lastAssistantMessage ?? fallback
        do {
            guard UsageLimit.isLimit(error: event.error, message: message) else {
                if event.name == .stop { try await ledger.clearLimitStrikes(agent) }
                return
            }
            let settings = try config.value().agentSettings
            try await AgentLimitPause(environment: environment, town: town, settings: settings, agent: agent, ledger: ledger).pause(reporting: [event.error, message].compactMap { $0 }.joined(separator: "\n"))
        } catch {
            environment.logger.warning("\(agent) reported a usage limit, but pausing it failed: \(error.userMessage)")
        }
    }

    /// The transcript is written asynchronously and may lag the Stop hook by a moment: try a few times.
    func transcriptReply(at url: URL) async -> String? {
        for attempt in 0..<5 {
            if let reply = TranscriptReader.lastReply(at: url) { return reply }
            // Cancelled: the hook is being stopped; the reply stays unknown, as when the file never came.
            try? await environment.clock.sleep(for: .milliseconds(50 * (attempt + 1)))
        }
        return nil
    }

    /// Hook output that adds text to the agent's context, within Claude's 10,000-character limit.
    static func additionalContext(_ text: String, event: HookEventName) -> String {
        let limited = String(text.prefix(SessionPriming.characterLimit))
        let object: [String: Any] = ["hookSpecificOutput": ["hookEventName": event.rawValue, "additionalContext": limited]]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

/// What an agent is told when its session starts (startup, resume, clear, compact): who it is and
/// where its durable storage lives, and for the Mayor its memory (MEMORY.md, recent daily logs, hung
/// work) — written as facts, not commands, within Claude's 10,000-character hook limit.
public struct SessionPriming: Sendable {
    /// Claude cuts hook context at 10,000 characters.
    public static let characterLimit = MemorySettings.hookLimit

    let environment: GatewayEnvironment
    let town: Town

    public init(environment: GatewayEnvironment, town: Town) {
        self.environment = environment
        self.town = town
    }

    public func text(agent: String, source: String?) -> String {
        var identity = identityText(agent: agent, source: source)
        guard agent == Hook.mayor else { return identity }
        let config = try? town.loadConfig()
        if config?.chat.telegram != nil { identity += "\n" + ChatTurnText.priming }
        // The memory gets what the identity leaves; a failure to read it is stated, never fatal to the hook.
        let room = Self.characterLimit - identity.utf16.count - 2
        do {
            let config = try config ?? town.loadConfig()
            let memory = try MemoryStore(environment: environment, town: town, config: config).prime(budget: room).text
            return identity + "\n\n" + memory
        } catch {
            environment.logger.warning("memory priming failed", metadata: ["error": "\(error)"])
            let note = "- Gateway could not read the Mayor's memory for this session: \(error)"
            return identity + "\n" + String(note.prefix(max(0, room)))
        }
    }

    func identityText(agent: String, source: String?) -> String {
        var lines = [
            "Gateway context (\(source ?? "startup")):",
            "- You are the \(agent == Hook.mayor ? "Mayor" : "agent \(agent)") of the Gateway town at \(town.root.path).",
            "- Gateway sends you messages and heartbeat tasks through this session and reads your replies from it.",
        ]
        if agent == Hook.mayor {
            lines.append("- Your working folder \(town.mayorDirectory.path) is your hook: a git worktree on branch hooks/mayor. MEMORY.md holds long-term memory; memory/YYYY-MM-DD.md holds each day's log, appended; memory/sessions/YYYY-MM-DD.md holds what Gateway extracted from each day's conversation.")
        }
        return lines.joined(separator: "\n")
    }
}
