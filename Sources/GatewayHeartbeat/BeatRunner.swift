import Foundation
import GatewayCore
import GatewayAgents
import GatewayMemory
import GatewayUsage

/// Runs the heartbeat against the real Mayor: ticks the scheduler, and when a beat is due sends its
/// prompt as one turn, then handles the reply — findings into today's log (one commit that takes the
/// Mayor's own changes along), notifications into the outbox, HEARTBEAT_OK recorded and not sent.
/// The daemon's scheduler service calls `step` in a loop; `gw heartbeat now` calls `runNow`.
///
/// Crash safety: the beat, its convoy, its queued prompt and its run row are written in one
/// transaction (`recordBeatRun`) before anything is pasted, and every handling step is idempotent (appends find their text, notifications have keys,
/// convoy items only move forward), so a process killed anywhere finishes the beat once on restart.
public struct BeatRunner: Sendable {
    public let environment: GatewayEnvironment
    public let town: Town
    /// When the daemon started: the first beat ever comes one interval later.
    public let startedAt: Date
    /// The settings each step runs with (the daemon hands it the config it holds).
    let config: @Sendable () throws -> HeartbeatConfig
    /// HEARTBEAT.md as each step reads it (the daemon hands it the document it holds).
    let document: @Sendable () throws -> HeartbeatDocument
    /// Who delivers the turns a step queues: the daemon's broker, or a command itself.
    let handOff: TurnHandOff

    public init(environment: GatewayEnvironment, town: Town, startedAt: Date, config: @escaping @Sendable () throws -> HeartbeatConfig,
                document: @escaping @Sendable () throws -> HeartbeatDocument, handOff: TurnHandOff = .command) {
        self.environment = environment
        self.town = town
        self.startedAt = startedAt
        self.config = config
        self.document = document
        self.handOff = handOff
    }

    var lockFile: URL { town.runtimeDirectory.appendingPathComponent("heartbeat.lock") }
    var now: Date { environment.clock.now() }

    /// One pass: finishes beats whose reply has come, runs a beat if one is due (or records a skip),
    /// and returns when to call again — nil when only an event calls for it: the heartbeat is off, or a
    /// beat's turn is in flight (its end, through the turn's hook, is the next thing to act on).
    public func step() async throws -> Date? {
        try await FileLock.withLockAsync(lockFile) {
            let context = try load()
            if try await handleFinishedRuns(context) { return nil }
            let scheduler = HeartbeatScheduler(settings: context.config.heartbeat, document: context.document, startedAt: startedAt)
            switch scheduler.tick(now: now, marks: try await context.ledger.loadHeartbeatMarks()) {
            case .wait(let until):
                return until
            case .skip(let decision):
                let organize = try await queueOrganizing(decision, context)
                try await context.ledger.recordBeat(decision)
                environment.logger.info("heartbeat skipped: \(decision.plan.skipReason?.description ?? "")")
                if organize { try await deliver(context, label: "the memory-organising step") }
                return now
            case .beat(let decision):
                if let pause = try await budgetPause(context) {
                    try await skipForBudget(decision, pause, context)
                    return now
                }
                if let limit = try await context.ledger.limitPause(context.mayor.runtime.name, at: now) {
                    // Nothing is recorded: at the reset the scheduler finds the beats it missed and
                    // treats them as `catch_up` says.
                    environment.logger.info("heartbeat waits: the Mayor is paused by \(limit.reason) until \(UTCStamp.iso8601(limit.until))")
                    return limit.until
                }
                if let busy = try await mayorBusy(context) {
                    environment.logger.info("heartbeat deferred: the Mayor is \(busy)")
                    return now.addingTimeInterval(5)
                }
                // Queued first, so it follows the beat's own turn and survives a crash before the record.
                let organize = try await queueOrganizing(decision, context)
                _ = try await send(decision, context)
                if organize { try await deliver(context, label: "the memory-organising step") }
                return nil
            }
        }
    }

    /// A beat now, whatever the schedule says (`gw heartbeat now`): the named tasks (all when empty)
    /// are due. Returns the beat id, or nil when nothing is due (the reason is returned too).
    public func runNow(tasks: [String]) async throws -> (beatId: Int64?, skipReason: String?) {
        try await FileLock.withLockAsync(lockFile) {
            let context = try load()
            let scheduler = HeartbeatScheduler(settings: context.config.heartbeat, document: context.document, startedAt: startedAt)
            let forcing = Set(tasks.isEmpty ? context.document.runnableTasks.map(\.name) : tasks)
            for name in tasks where !context.document.tasks.contains(where: { HeartbeatTask.key($0.name) == HeartbeatTask.key(name) }) {
                throw GatewayError.usage("HEARTBEAT.md has no task named \"\(name)\": its tasks are \(context.document.tasks.map(\.name).joined(separator: ", "))")
            }
            let plan = scheduler.plan(at: now, marks: try await context.ledger.loadHeartbeatMarks(), forcing: forcing)
            let decision = BeatDecision(time: now, plan: plan, missedBeats: 0)
            guard decision.callsAgent else { return (nil, plan.skipReason?.description ?? "nothing is due") }
            if let pause = try await budgetPause(context) {
                return (nil, SkipReason.budget(pause).describe(in: context.config.heartbeat.timeZone()))
            }
            return (try await send(decision, context), nil)
        }
    }

    /// Handles whatever beats have finished (for `--wait` and for callers without a daemon).
    @discardableResult
    public func handleFinished() async throws -> Bool {
        try await FileLock.withLockAsync(lockFile) { try await handleFinishedRuns(try load()) }
    }

    struct Context {
        let config: HeartbeatConfig
        let document: HeartbeatDocument
        let ledger: Ledger
        let mayor: AgentLifecycle
    }

    func load() throws -> Context {
        let config = try self.config()
        let document = try self.document()
        return Context(config: config, document: document, ledger: try environment.ledger(town),
                       mayor: AgentLifecycle(runtime: .mayor(environment: environment, town: town, settings: config.agents)))
    }

    /// The budget pause that holds the heartbeat now, or nil.
    func budgetPause(_ context: Context) async throws -> BudgetPause? {
        try await context.config.budget.pause(.heartbeat, ledger: context.ledger, environment: environment)
    }

    /// Records a due beat as skipped for the budget, its tasks still due (their marks stay where they
    /// were, so they run once the pause lifts), no agent call made, and tells the owner once.
    func skipForBudget(_ decision: BeatDecision, _ pause: BudgetPause, _ context: Context) async throws {
        var skipped = decision
        skipped.plan.dueTasks = []
        skipped.plan.organizeDay = nil
        skipped.plan.skipReason = .budget(pause)
        try await context.ledger.recordBeat(skipped)
        environment.logger.info("heartbeat skipped: \(SkipReason.budget(pause).description)")
        try await BudgetNotice.tell(pause, pausing: .heartbeat, runtime: context.mayor.runtime, ledger: context.ledger,
                                    zone: context.config.heartbeat.timeZone())
    }

    /// Why the Mayor cannot take a beat now (busy, someone typing), or nil.
    func mayorBusy(_ context: Context) async throws -> String? {
        guard await context.mayor.isRunning() else { return nil }
        return try await TurnDelivery(lifecycle: context.mayor).waitingReason(ledger: context.ledger)
    }

    /// Records the beat, opens its convoy and queues its prompt as one turn — all in one transaction —
    /// then starts delivering it.
    func send(_ decision: BeatDecision, _ context: Context) async throws -> Int64 {
        let settings = context.config.heartbeat
        let prompt = HeartbeatPrompt.render(decision.plan, notes: context.document.notes, settings: settings,
                                            zone: settings.timeZone(), missedBeats: decision.missedBeats)
        let (beatId, created) = try await context.ledger.recordBeatRun(
            decision, convoyTitle: "Heartbeat at \(Self.stamp(decision.time, settings))", prompt: prompt, at: now)
        guard created else { return beatId }
        environment.logger.info("heartbeat \(beatId): sending \(decision.plan.dueTasks.count) task(s)")
        try await deliver(context, label: "heartbeat \(beatId)'s turn")
        return beatId
    }

    /// Hands the queued turns over: the daemon's broker is woken, a command delivers them itself (or
    /// pokes the daemon when one runs).
    func deliver(_ context: Context, label: String) async throws {
        do {
            try await TurnDelivery(lifecycle: context.mayor).handOff(handOff, deadline: now.addingTimeInterval(30))
        } catch let deferred as DeliveryDeferred {
            environment.logger.info("\(label) stays queued (\(deferred.reason))")
        }
    }

    /// Queues the daily memory-organising turn when this beat is the first after `organize_at`.
    func queueOrganizing(_ decision: BeatDecision, _ context: Context) async throws -> Bool {
        guard let day = decision.plan.organizeDay else { return false }
        // The mechanical part Gateway does itself: old daily logs into monthly folders.
        try await MemoryArchive(environment: environment, town: town, config: context.config.memory).archive(today: day.description)
        return try await OrganizeStep(environment: environment, town: town, ledger: context.ledger).queue(slotDay: day) != nil
    }

    static func stamp(_ date: Date, _ settings: HeartbeatSettings) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = settings.timeZone()
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return formatter.string(from: date)
    }

    /// Handles every run whose turn has ended; true while a beat's turn is still in flight.
    func handleFinishedRuns(_ context: Context) async throws -> Bool {
        var inFlight = false
        for run in try await context.ledger.unhandledHeartbeatRuns() {
            guard let turn = try await context.ledger.turn(run.turnId) else { continue }
            guard turn.state.hasEnded else {
                inFlight = true
                continue
            }
            try await BeatReplyHandler(environment: environment, town: town, context: context).handle(run, turn: turn)
        }
        return inFlight
    }
}
