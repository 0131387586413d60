import Foundation
import GatewayCore
import GatewayHooks
import GatewayAgents
import GatewayUsage

/// What `gw sling` asks for: a task (text, a formula, or both) for a new polecat on a rig.
public struct SlingRequest: Sendable, Equatable {
    public var rig: String
    public var text: String?
    public var formula: String?
    public var variables: [String: String]
    /// The agent profile; nil: `[polecats] agent`, else the Mayor's.
    public var profile: String?

    public init(rig: String, text: String? = nil, formula: String? = nil, variables: [String: String] = [:], profile: String? = nil) {
        self.rig = rig
        self.text = text
        self.formula = formula
        self.variables = variables
        self.profile = profile
    }
}

/// Runs polecats: starts slings while the cap allows (queuing the rest), and — on `reconcile()`,
/// which `gw polecat list/show`, `gw sling --wait` and the daemon call — finishes those whose turn has
/// ended, fails those whose agent died, and starts queued slings when slots free. Every change happens
/// under the town's polecats lock, so concurrent `gw` processes keep the cap and finish each polecat once.
public struct PolecatSupervisor: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    let settings: PolecatSettings
    /// The profiles polecats run with, the Mayor (told of each sling's end) and the hooks results go to.
    let agents: AgentSettings
    /// Who sends the turns it queues (a polecat's task, the Mayor's report): the daemon's broker, or a
    /// command itself.
    let handOff: TurnHandOff
    /// The budgets: a spent one keeps queued slings waiting (none without a budget).
    let budget: BudgetGate?

    public init(environment: GatewayEnvironment, town: Town, settings: PolecatSettings, agents: AgentSettings,
                handOff: TurnHandOff = .command, budget: BudgetGate? = nil) {
        self.environment = environment
        self.town = town
        self.settings = settings
        self.agents = agents
        self.handOff = handOff
        self.budget = budget
    }

    var now: Date { environment.clock.now() }
    func openLedger() throws -> Ledger { try environment.ledger(town) }
    var worktrees: PolecatWorktrees { PolecatWorktrees(environment: environment, town: town) }

    /// Records the sling and its convoy, then starts its polecat if a slot is free (else it queues).
    public func sling(_ request: SlingRequest) async throws -> Polecat {
        _ = try RigManager(environment: environment, town: town).record(request.rig)
        let profile = request.profile ?? (settings.agent.isEmpty ? agents.mayor.agent : settings.agent)
        guard agents.profiles[profile] != nil else {
            throw GatewayError.usage("no agent profile named \"\(profile)\": use one of \(agents.profiles.keys.sorted().joined(separator: ", ")), or define [agents.\(profile)] in gateway.toml")
        }
        let (title, task) = try Self.task(request, library: FormulaLibrary(town: town))
        let ledger = try openLedger()
        let convoy = try await ledger.createConvoy(kind: "sling", title: title, items: [ConvoyItemPlan(title: title)], at: now)
        let id = try await ledger.queueSling(rig: request.rig, title: title, task: task, profile: profile, convoy: convoy, at: now)
        try await startQueued(ledger)
        // A running daemon starts it when a slot frees (and, in flight, sends its task).
        DaemonDoorbell(town: town).ring(.polecats)
        guard let polecat = try await ledger.polecat(id: id) else { throw GatewayError("sling \(id) vanished from the ledger") }
        return polecat
    }

    /// The title and prompt of a sling: the rendered formula, then the text.
    static func task(_ request: SlingRequest, library: FormulaLibrary) throws -> (title: String, task: String) {
        let text = request.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        var parts: [String] = []
        if let name = request.formula { parts.append(try library.load(name).render(variables: request.variables)) }
        if !text.isEmpty { parts.append(text) }
        guard !parts.isEmpty else {
            throw GatewayError.usage("nothing to sling: give the task's text, or a formula with --formula NAME")
        }
        let firstLine = text.split(separator: "\n").first.map(String.init)
        let title = String((firstLine ?? "formula \(request.formula ?? "")").prefix(80))
        return (title, parts.joined(separator: "\n\n"))
    }

    /// Finishes ended polecats, fails dead ones, starts queued slings into free slots, and removes the
    /// worktrees of done polecats whose branches have been merged.
    public func reconcile() async throws {
        try await reconcile(removeMerged: true)
    }

    /// `reconcile()`, looking at finished polecats' branches (git in each kept worktree) only when
    /// `removeMerged`: the daemon does that on its slow sweep, not at every hook.
    public func reconcile(removeMerged: Bool) async throws {
        let ledger = try openLedger()
        try await FileLock.withLockAsync(town.polecatsLock) {
            for polecat in try await ledger.polecats(in: [.working]) {
                try await check(polecat, ledger)
            }
        }
        try await startQueued(ledger)
        if removeMerged { try await removeMergedWorktrees(ledger) }
    }

    /// One working polecat: deliver its turn if still queued, finish or fail it once the turn ended,
    /// fail it when its agent is gone.
    func check(_ polecat: Polecat, _ ledger: Ledger) async throws {
        let finisher = PolecatFinisher(supervisor: self, ledger: ledger)
        guard let runtime = finisher.runtime(polecat), let turnId = polecat.turnId, var turn = try await ledger.turn(turnId) else {
            // Its agent is being started outside the lock; only a start that never finished is a failure.
            if let started = polecat.startedAt, now.timeIntervalSince(started) < Self.startGrace { return }
            return try await finisher.fail(polecat, reason: "the polecat has no turn: its start did not finish within \(Int(Self.startGrace)) s")
        }
        let lifecycle = AgentLifecycle(runtime: runtime)
        if !turn.state.hasEnded, try await TurnDelivery(lifecycle: lifecycle).expireIfOverdue(turn, ledger: ledger) {
            turn = try await ledger.turn(turnId) ?? turn
        }
        if turn.state == .done { return try await finisher.finish(polecat, turn: turn) }
        if turn.state.hasEnded {
            return try await finisher.fail(polecat, reason: "its turn \(turn.state == .timedOut ? "timed out" : "failed"): \(turn.error ?? "no reason recorded")")
        }
        guard await lifecycle.isRunning() else {
            return try await finisher.fail(polecat, reason: "its agent died during the turn")
        }
        if turn.state == .queued { try await deliver(lifecycle, deadline: now.addingTimeInterval(5)) }
    }

    /// How long a claimed polecat may take to start its agent and send its turn.
    static let startGrace: TimeInterval = 180

    /// Starts queued slings, oldest first, while fewer than `[polecats] max` work. Slots and names are
    /// claimed under the lock; agents start after it is released, so polecats start side by side.
    func startQueued(_ ledger: Ledger) async throws {
        if let pause = try await budgetPause(ledger) {
            guard try await !ledger.polecats(in: [.queued]).isEmpty else { return }
            environment.logger.info("queued slings wait: \(pause.description) is reached")
            try await BudgetNotice.tell(pause, pausing: .sling, runtime: .mayor(environment: environment, town: town, settings: agents),
                                        ledger: ledger, zone: budget?.zone ?? .current)
            return
        }
        let claimed: [Polecat] = try await FileLock.withLockAsync(town.polecatsLock) {
            var working = try await ledger.polecats(in: [.working]).count
            var claimed: [Polecat] = []
            for sling in try await ledger.polecats(in: [.queued]) where working < settings.max {
                working += 1
                do {
                    claimed.append(try await claim(sling, ledger))
                } catch {
                    try await failStart(sling.id, error, ledger)
                }
            }
            return claimed
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for polecat in claimed {
                group.addTask {
                    do {
                        try await launch(polecat, ledger)
                    } catch {
                        try await FileLock.withLockAsync(town.polecatsLock) { try await failStart(polecat.id, error, ledger) }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// The budget pause that keeps slings queued now, or nil.
    public func budgetPause(_ ledger: Ledger) async throws -> BudgetPause? {
        try await budget?.pause(.sling, ledger: ledger, environment: environment)
    }

    /// Fails a sling whose polecat could not start. Lock held.
    func failStart(_ id: Int64, _ error: any Error, _ ledger: Ledger) async throws {
        guard let current = try await ledger.polecat(id: id), !current.state.hasEnded else { return }
        let reason = "it could not start: \((error as? GatewayError)?.message ?? "\(error)")"
        try await PolecatFinisher(supervisor: self, ledger: ledger).fail(current, reason: reason)
    }

    /// Names a polecat and makes its worktree; it works from now. Lock held.
    func claim(_ sling: Polecat, _ ledger: Ledger) async throws -> Polecat {
        var taken = try await ledger.workingPolecatNames()
        for rig in try RigManager(environment: environment, town: town).list() {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: town.polecatsDirectory(rig.name).path)) ?? []
            taken.formUnion(names)
        }
        let name = PolecatNames.allocate(taken: taken)
        let agent = PolecatNames.agent(for: name)
        let (branch, path) = try await worktrees.create(rig: sling.rig, name: name)
        try await ledger.assignPolecat(sling.id, name: name, agent: agent, branch: branch, worktree: path.path, at: now)
        try await ledger.markItem(convoy: sling.convoyId, item: 1, state: .running, at: now, agent: agent)
        guard let polecat = try await ledger.polecat(id: sling.id) else { throw GatewayError("sling \(sling.id) vanished from the ledger") }
        return polecat
    }

    /// Hangs the task on the polecat's hook, starts its agent and sends the task.
    func launch(_ polecat: Polecat, _ ledger: Ledger) async throws {
        guard let name = polecat.name, let agent = polecat.agent, let branch = polecat.branch, let path = polecat.worktree else { return }
        let prompt = "[Polecat \(name) of rig \(polecat.rig): you work in \(path) on branch \(branch); commit your work there.]\n\n\(polecat.task)"
        let hooks = HookStore(environment: environment, town: town, agents: agents)
        _ = try await hooks.write(agent, message: "Hang sling \(polecat.id) (convoy \(polecat.convoyId)) on \(agent)") { worktree in
            try FileSystem.writeAtomically(prompt, to: worktree.appendingPathComponent("work/task.md"))
            for stale in ["work/result.md", "work/last-screen.txt"] {
                try? FileManager.default.removeItem(at: worktree.appendingPathComponent(stale))
            }
            return ["work/task.md", "work/result.md", "work/last-screen.txt"]
        }
        let runtime = AgentRuntime.polecat(environment: environment, town: town, settings: agents, name: name,
                                           profile: polecat.profile, worktree: URL(fileURLWithPath: path))
        let lifecycle = AgentLifecycle(runtime: runtime)
        try await lifecycle.start(fresh: true)
        let turn = try await ledger.enqueueTurn(agent: agent, text: prompt, source: "sling:\(polecat.convoyId)", at: now)
        try await ledger.setPolecatTurn(polecat.id, turn: turn)
        try await deliver(lifecycle, deadline: now.addingTimeInterval(60))
        environment.logger.info("polecat \(name) started on \(polecat.rig) (\(branch)), turn \(turn)")
    }

    /// Hands the polecat's queued turn over (see `handOff`); a busy agent keeps it queued.
    func deliver(_ lifecycle: AgentLifecycle, deadline: Date) async throws {
        do {
            try await TurnDelivery(lifecycle: lifecycle).handOff(handOff, deadline: deadline)
        } catch let deferred as DeliveryDeferred {
            environment.logger.info("\(lifecycle.runtime.name): turn stays queued (\(deferred.reason))")
        }
    }

    /// The working polecats whose task waits to be sent, their agents running: what the daemon's broker
    /// delivers. A polecat whose agent is gone is left to `reconcile()`, which fails it.
    public func queuedDeliveries() async throws -> [AgentLifecycle] {
        let ledger = try openLedger()
        let finisher = PolecatFinisher(supervisor: self, ledger: ledger)
        var waiting: [AgentLifecycle] = []
        for polecat in try await ledger.polecats(in: [.working]) {
            guard let turnId = polecat.turnId, try await ledger.turn(turnId)?.state == .queued,
                  let runtime = finisher.runtime(polecat) else { continue }
            let lifecycle = AgentLifecycle(runtime: runtime)
            if await lifecycle.isRunning() { waiting.append(lifecycle) }
        }
        return waiting
    }

    /// The working polecats whose agents run, with their lifecycles: what the watchdog looks at.
    public func runningPolecats() async throws -> [AgentLifecycle] {
        let ledger = try openLedger()
        let finisher = PolecatFinisher(supervisor: self, ledger: ledger)
        var running: [AgentLifecycle] = []
        for polecat in try await ledger.polecats(in: [.working]) {
            guard let runtime = finisher.runtime(polecat) else { continue }
            let lifecycle = AgentLifecycle(runtime: runtime)
            if await lifecycle.isRunning() { running.append(lifecycle) }
        }
        return running
    }

    /// Drives one sling to its end: reconciles until it is done or failed, failing it at `timeout`.
    public func wait(for id: Int64, timeout: TimeInterval) async throws -> Polecat {
        let ledger = try openLedger()
        let clock = environment.clock
        func read() async throws -> Polecat {
            guard let polecat = try await ledger.polecat(id: id) else { throw GatewayError("no sling \(id) in the ledger") }
            return polecat
        }
        var lastReconcile = Date.distantPast
        // The turn's end is in the ledger, written by the agent's hooks in other processes: polled.
        let ended = try await clock.poll(every: .milliseconds(50), until: clock.now().addingTimeInterval(timeout)) { () async throws -> Polecat? in
            var polecat = try await read()
            if polecat.state.hasEnded { return polecat }
            let turnEnded = try await polecat.turnId.asyncMap { try await ledger.turn($0)?.state.hasEnded } ?? false
            if turnEnded == true || clock.now().timeIntervalSince(lastReconcile) > 1 {
                try await reconcile(removeMerged: false)
                lastReconcile = clock.now()
                polecat = try await read()
            }
            return polecat.state.hasEnded ? polecat : nil
        }
        if let ended { return ended }
        try await FileLock.withLockAsync(town.polecatsLock) {
            guard let current = try await ledger.polecat(id: id), !current.state.hasEnded else { return }
            try await PolecatFinisher(supervisor: self, ledger: ledger)
                .fail(current, reason: "no result within \(ConfigDuration(milliseconds: Int64(timeout * 1000))) (the --timeout of `gw sling --wait`)")
        }
        return try await read()
    }

    /// Stops a polecat (or drops a queued sling): it is failed, its worktree kept.
    public func kill(_ name: String) async throws -> Polecat {
        let ledger = try openLedger()
        return try await FileLock.withLockAsync(town.polecatsLock) {
            guard let polecat = try await ledger.polecat(named: name) else {
                throw GatewayError("no polecat named \(name): `gw polecat list` shows them")
            }
            guard !polecat.state.hasEnded else {
                throw GatewayError("polecat \(name) has already ended (\(polecat.state.rawValue)); `gw polecat prune` removes finished worktrees")
            }
            try await PolecatFinisher(supervisor: self, ledger: ledger).fail(polecat, reason: "killed by `gw polecat kill`")
            // Its slot is free: a running daemon starts the next queued sling.
            DaemonDoorbell(town: town).ring(.polecats)
            return try await ledger.polecat(id: polecat.id) ?? polecat
        }
    }

    /// Called by `gw agent-died` for a polecat's agent: a polecat is never restarted. A turn that ended
    /// before the pane died finishes the polecat; otherwise it fails with its last screen saved.
    public func handleDeath(agent: String) async throws {
        let ledger = try openLedger()
        try await FileLock.withLockAsync(town.polecatsLock) {
            guard let polecat = try await ledger.workingPolecat(agent: agent) else { return }
            try await check(polecat, ledger)
        }
    }

    /// Every polecat, after a reconcile, oldest first.
    public func list() async throws -> [Polecat] {
        try await reconcile()
        return try await openLedger().polecats()
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
