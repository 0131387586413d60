import Foundation
import GRDB
import GatewayCore
import GatewayUsage
import GatewayHeartbeat
import GatewayHooks

/// What `gw usage` prints: the agents' token usage since a date, grouped one way, with an estimated
/// cost and what the budgets pause.
public struct UsageReport: Sendable, Encodable {
    public enum Grouping: String, Sendable, CaseIterable, Encodable {
        case day, source, task, agent
    }

    /// One group's totals. A heartbeat turn's usage is shared evenly among the beat's tasks under
    /// `--by task`, so those figures may be fractions of a turn.
    public struct Group: Sendable, Encodable {
        public var key: String
        public var messages: Double = 0
        public var turns: Set<Int64> = []
        public var tokens = TokenCounts()
        /// Input, cache writes and output: what token budgets count.
        public var countedTokens: Int { tokens.counted }
        public var estimatedCostUSD: Double = 0
        public var unpricedModels: Set<String> = []

        enum CodingKeys: String, CodingKey {
            case key, messages, turns, input = "input_tokens", cacheWrite = "cache_write_tokens", cacheRead = "cache_read_tokens"
            case output = "output_tokens", counted = "counted_tokens", cost = "estimated_cost_usd", unpriced = "unpriced_models"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode((messages * 100).rounded() / 100, forKey: .messages)
            try container.encode(turns.count, forKey: .turns)
            try container.encode(tokens.input, forKey: .input)
            try container.encode(tokens.cacheWrite, forKey: .cacheWrite)
            try container.encode(tokens.cacheRead, forKey: .cacheRead)
            try container.encode(tokens.output, forKey: .output)
            try container.encode(tokens.counted, forKey: .counted)
            try container.encode((estimatedCostUSD * 10_000).rounded() / 10_000, forKey: .cost)
            try container.encode(unpricedModels.sorted(), forKey: .unpriced)
        }

        mutating func add(_ row: UsageRow, share: Double, prices: UsagePrices) {
            messages += share
            if let turn = row.turnId { turns.insert(turn) }
            let part = share == 1 ? row.tokens : TokenCounts(
                input: Int((Double(row.tokens.input) * share).rounded()), cacheWrite: Int((Double(row.tokens.cacheWrite) * share).rounded()),
                cacheRead: Int((Double(row.tokens.cacheRead) * share).rounded()), output: Int((Double(row.tokens.output) * share).rounded()))
            tokens += part
            if let price = prices.price(of: row.model) { estimatedCostUSD += price.cost(part) } else { unpricedModels.insert(row.model) }
        }
    }

    /// A pause a budget holds now.
    public struct Pause: Sendable, Encodable {
        public var source: String
        public var because: String
        public var until: Date
    }

    /// One beat's prompt: how much is the tasks' own text and how much Gateway adds (the prompt's
    /// header, the reply rules, the notes), beside what the beat cost.
    public struct BeatOverhead: Sendable, Encodable {
        public var beat: Int64
        public var at: Date
        public var tasks: [String]
        public var promptChars: Int
        public var taskChars: Int
        public var addedChars: Int { promptChars - taskChars }
        public var countedTokens: Int?

        enum CodingKeys: String, CodingKey { case beat, at, tasks, promptChars, taskChars, addedChars, countedTokens }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(beat, forKey: .beat)
            try container.encode(at, forKey: .at)
            try container.encode(tasks, forKey: .tasks)
            try container.encode(promptChars, forKey: .promptChars)
            try container.encode(taskChars, forKey: .taskChars)
            try container.encode(addedChars, forKey: .addedChars)
            try container.encodeIfPresent(countedTokens, forKey: .countedTokens)
        }
    }

    public var since: Date
    public var grouping: Grouping
    public var total: Group
    public var groups: [Group]
    public var paused: [Pause]
    public var budgetResumedUntil: Date?
    /// The period's beats, newest first (at most 50).
    public var beats: [BeatOverhead]
    /// What the Mayor is told when a session starts (its identity, memory and recent logs): once per
    /// session, not per beat, so beside the beats rather than in them.
    public var primingChars: Int
    /// What the figures are and are not.
    public var notes: [String]

    /// Reads new usage from the transcripts, then reports it.
    public static func make(environment: GatewayEnvironment, town: Town, ledger: Ledger, config: GatewayConfig, since: Date, by grouping: Grouping) async throws -> UsageReport {
        try await UsageCollector(environment: environment).collect(ledger: ledger)
        let gate = BudgetCheck.gate(config)
        let rows = try await ledger.usageRows(since: since)
        let tasks = grouping == .task ? try await ledger.heartbeatTasks(turns: Set(rows.compactMap(\.turnId))) : [:]
        let calendar = gate.calendar
        var total = Group(key: "total")
        var groups: [String: Group] = [:]
        for row in rows {
            total.add(row, share: 1, prices: config.usage.prices)
            let source = UsageSource(turnSource: row.turnSource)
            var keys: [String]
            switch grouping {
            case .day:
                let parts = calendar.dateComponents([.year, .month, .day], from: row.at)
                keys = [String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)]
            case .source: keys = [source.rawValue]
            case .agent: keys = [row.agent]
            case .task:
                let named = row.turnId.flatMap { tasks[$0] } ?? []
                keys = named.isEmpty ? ["(\(source.rawValue))"] : named
            }
            for key in keys {
                groups[key, default: Group(key: key)].add(row, share: 1 / Double(keys.count), prices: config.usage.prices)
            }
        }
        let status = try await BudgetCheck(environment: environment, config: config).status(ledger: ledger, collect: false)
        var notes = [
            "Counts the agents' conversations as their transcripts record them; side requests Claude Code makes (a session's title) are not in a transcript and not counted.",
            "Costs are estimates from the price table ([usage.prices] over the built-in prices), not a bill.",
            "Budgets count input, cache-write and output tokens; cache reads are shown but not counted.",
        ]
        if grouping == .task { notes.append("A beat's tokens are shared evenly among the tasks it ran.") }
        if !total.unpricedModels.isEmpty {
            notes.append("No price for \(total.unpricedModels.sorted().joined(separator: ", ")): add it under [usage.prices] for a cost estimate.")
        }
        let runs = try await ledger.heartbeatRuns(since: since, limit: 50)
        let beatTokens = try await ledger.usage(ofTurns: runs.map(\.run.turnId))
        let beats = runs.compactMap { run, at -> BeatOverhead? in
            guard let prompt = run.promptChars, let tasks = run.taskChars else { return nil }
            return BeatOverhead(beat: run.beatId, at: at, tasks: run.tasks, promptChars: prompt, taskChars: tasks,
                                countedTokens: beatTokens[run.turnId]?.counted)
        }
        let priming = SessionPriming(environment: environment, town: town).text(agent: Hook.mayor, source: "startup").count
        return UsageReport(since: since, grouping: grouping, total: total,
                           groups: groups.values.sorted { grouping == .day ? $0.key < $1.key : $0.tokens.all > $1.tokens.all },
                           paused: status.pauses, budgetResumedUntil: status.resumedUntil, beats: beats, primingChars: priming, notes: notes)
    }
}

extension Ledger {
    /// The tasks of the beats whose turns are among `turns`.
    func heartbeatTasks(turns: Set<Int64>) throws -> [Int64: [String]] {
        guard !turns.isEmpty else { return [:] }
        return try database.read { db in
            var found: [Int64: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT turn_id, tasks FROM heartbeat_runs") {
                let turn: Int64 = row["turn_id"]
                guard turns.contains(turn) else { continue }
                let json: String = row["tasks"]
                found[turn] = (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
            }
            return found
        }
    }
}
