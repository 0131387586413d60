import Foundation
import GatewayCore
import GatewayHooks
import GatewayAgents

/// Where the compaction flush stands, kept in `.gateway/memory/flush.json`.
struct FlushState: Codable, Sendable, Equatable {
    /// True once this compaction cycle's flush turn was queued; SessionStart `compact` clears it.
    var cycleFlushed = false
    /// The flush turn still to be checked when it ends.
    var turnId: Int64?
    /// The log the flush turn appends to, and the hook commit it was queued at (what must survive).
    var day: String?
    var baseCommit: String?
    /// What the last check found: "kept" or "restored N entries".
    var lastCheck: String?

    static func file(_ town: Town) -> URL {
        town.runtimeDirectory.appendingPathComponent("memory").appendingPathComponent("flush.json")
    }

    static func load(_ town: Town) -> FlushState {
        guard let data = try? Data(contentsOf: file(town)) else { return FlushState() }
        return (try? JSONDecoder().decode(FlushState.self, from: data)) ?? FlushState()
    }

    func save(_ town: Town) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try FileSystem.writeAtomically(try encoder.encode(self), to: Self.file(town))
    }
}

/// The flush before compaction: when the Mayor's context passes `[memory] flush_at` of its window, one
/// turn asks it to append the day's durable facts to today's log while it still holds them; when that
/// turn ends, today's log is checked by content and any earlier entry that went missing is restored
/// from the hook's history.
public struct MemoryFlush: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    let config: MemoryConfig

    public init(environment: GatewayEnvironment, town: Town, config: MemoryConfig) {
        self.environment = environment
        self.town = town
        self.config = config
    }

    var store: MemoryStore { MemoryStore(environment: environment, town: town, config: config) }

    /// The prompt of the flush turn: append, never rewrite.
    public static func prompt(logPath: String) -> String {
        "Your context is filling up and will be compacted soon. APPEND the durable facts of today's conversation "
            + "(decisions, findings, things the owner told you, open work) to today's log \(logPath) — append only: "
            + "keep every entry already in it, never overwrite or rewrite the file (`gw memory append -` does this "
            + "safely). Reply with one line saying how many entries you added."
    }

    /// Queues the flush turn when `contextTokens` passed the threshold and this cycle has not flushed yet;
    /// returns the queued turn's id.
    @discardableResult
    public func queueIfNeeded(contextTokens: Int) async throws -> Int64? {
        var state = FlushState.load(town)
        guard contextTokens >= config.memory.flushThreshold, !state.cycleFlushed else { return nil }
        let day = store.calendar.day(of: environment.clock.now())
        let relative = MemoryLog.relativePath(day: day)
        let base = try await environment.git.run(Git.headCommit(in: store.directory)).trimmingCharacters(in: .whitespacesAndNewlines)
        let ledger = try environment.ledger(town)
        let id = try await ledger.enqueueTurn(agent: Hook.mayor, text: Self.prompt(logPath: relative), source: "memory-flush",
                                              at: environment.clock.now())
        state = FlushState(cycleFlushed: true, turnId: id, day: day, baseCommit: base, lastCheck: state.lastCheck)
        try state.save(town)
        environment.logger.info("memory flush queued", metadata: ["turn": "\(id)", "context": "\(contextTokens)"])
        await startDelivery()
        return id
    }

    /// Delivers the flush as soon as the Mayor is idle, not at the next beat: `gw mayor deliver` runs in
    /// the Mayor's tmux server, outside the hook that queued it (the Mayor is busy until that returns).
    /// Without a tmux server (no Mayor running) the turn waits in the queue for the next delivery.
    func startDelivery() async {
        let runtime = AgentRuntime.mayor(environment: environment, town: town, settings: config.agents)
        let line = ShellQuote.line([environment.executablePath, "mayor", "deliver", "--town", town.root.path])
        do {
            try await environment.processes.check(runtime.tmux.runShellInBackground(line), what: "starting the flush turn's delivery")
        } catch {
            environment.logger.info("the flush turn waits for the next delivery", metadata: ["reason": "\(error)"])
        }
    }

    /// A new compaction cycle: the next crossing of the threshold queues a flush again.
    public func resetCycle() throws {
        var state = FlushState.load(town)
        state.cycleFlushed = false
        try state.save(town)
    }

    /// When `endedTurn` is the flush turn: checks today's log kept every entry it had when the turn was
    /// queued, restoring any that went missing (committed, with a message saying so). Returns the
    /// number restored, nil when `endedTurn` was not the flush turn.
    @discardableResult
    public func checkAfterTurn(_ endedTurn: Int64) async throws -> Int? {
        var state = FlushState.load(town)
        guard let flushTurn = state.turnId, flushTurn == endedTurn, let day = state.day, let base = state.baseCommit else { return nil }
        let relative = MemoryLog.relativePath(day: day)
        let (restored, commit) = try await restoreMissing(relative: relative, base: base)
        state.turnId = nil
        state.lastCheck = restored == 0 ? "kept"
            : "restored \(restored) entries of \(relative) from \(base) in commit \(commit ?? "(none: already committed by another writer)")"
        try state.save(town)
        return restored
    }

    /// Compares the log with its version at `base`; writes back what was lost, keeping what was added.
    func restoreMissing(relative: String, base: String) async throws -> (count: Int, commit: String?) {
        let show = Git.command(["show", "\(base):\(relative)"], in: store.directory)
        guard let before = try? await environment.git.run(show) else { return (0, nil) } // the log did not exist yet
        let url = store.directory.appendingPathComponent(relative)
        let now = FileSystem.exists(url) ? try FileSystem.readText(url) : ""
        let missing = Self.missingEntries(before: before, after: now)
        guard !missing.isEmpty else { return (0, nil) }
        environment.logger.warning("the flush turn removed log entries; restoring them", metadata: ["file": "\(relative)", "entries": "\(missing.count)"])
        let message = "Restore \(missing.count) entries of \(relative) that the flush turn removed\n\nThey are taken from \(base), the hook's commit when the flush turn was queued."
        let written = try await store.hooks.write(Hook.mayor, message: message) { worktree in
            let url = worktree.appendingPathComponent(relative)
            let current = FileSystem.exists(url) ? try FileSystem.readText(url) : ""
            try FileSystem.writeAtomically(Self.merged(before: before, after: current), to: url)
            return [relative]
        }
        return (missing.count, written.commit)
    }

    static func missingEntries(before: String, after: String) -> Set<String> {
        let old = MemoryLog.entries(in: before.components(separatedBy: "\n"), section: nil)
        let new = MemoryLog.entries(in: after.components(separatedBy: "\n"), section: nil)
        return old.subtracting(new)
    }

    /// The earlier file whole, then the lines the later one added, in their order.
    static func merged(before: String, after: String) -> String {
        let kept = Set(before.components(separatedBy: "\n"))
        let added = after.components(separatedBy: "\n").filter { !$0.isEmpty && !kept.contains($0) }
        let head = before.hasSuffix("\n") ? before : before + "\n"
        return added.isEmpty ? head : head + added.joined(separator: "\n") + "\n"
    }
}
