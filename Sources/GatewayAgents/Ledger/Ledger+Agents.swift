import Foundation
import GRDB
import GatewayCore

/// An agent's row: what Gateway knows of its process and conversation.
public struct AgentRecord: Codable, Sendable, Equatable, FetchableRecord {
    public enum State: String, Codable, Sendable {
        case starting, running, dead, stopped
        case crashLoop = "crash_loop"
    }

    public var name: String
    public var profile: String
    public var sessionId: String?
    public var state: State
    public var startedAt: Date?
    public var restarts: Int
    public var note: String?
    public var permission: String?
    public var deferred: String?
    /// Deliveries wait until then: a usage or rate limit the agent hit.
    public var pausedUntil: Date?
    public var pauseReason: String?

    public static let databaseDateDecodingStrategy = DatabaseDateDecodingStrategy.timeIntervalSince1970
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

/// What a hook event did to the ledger, for the caller's output and for tests.
public struct HookOutcome: Sendable, Equatable {
    public var eventId: Int64
    /// The turn the event advanced, if any.
    public var turnId: Int64?
    public var turnState: Turn.State?

    public init(eventId: Int64, turnId: Int64? = nil, turnState: Turn.State? = nil) {
        self.eventId = eventId
        self.turnId = turnId
        self.turnState = turnState
    }
}

extension Ledger {
    public func agent(_ name: String) throws -> AgentRecord? {
        try database.read { db in try AgentRecord.fetchOne(db, sql: "SELECT * FROM agents WHERE name = ?", arguments: [name]) }
    }

    /// Records a (re)start: a new process for `name`, talking in `sessionId`.
    public func recordAgentStart(_ name: String, profile: String, sessionId: String, at date: Date, note: String?) throws {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO agents(name, profile, session_id, state, started_at, note) VALUES (?, ?, ?, 'starting', ?, ?)
                ON CONFLICT(name) DO UPDATE SET profile = excluded.profile, session_id = excluded.session_id,
                  state = 'starting', started_at = excluded.started_at, note = excluded.note, permission = NULL, deferred = NULL
                """, arguments: [name, profile, sessionId, date.timeIntervalSince1970, note])
        }
    }

    public func setAgentState(_ name: String, _ state: AgentRecord.State, note: String? = nil) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE agents SET state = ?, note = COALESCE(?, note) WHERE name = ?", arguments: [state.rawValue, note, name])
        }
    }

    /// Why delivery is waiting, shown by `gw mayor status`; nil clears it.
    public func setDeferred(_ name: String, reason: String?) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE agents SET deferred = ? WHERE name = ?", arguments: [reason, name])
        }
    }

    /// Records a restart and returns how many happened since `since` (this one included).
    public func recordRestart(_ name: String, at date: Date, reason: String, since: Date) throws -> Int {
        try database.write { db in
            try db.execute(sql: "INSERT INTO agent_restarts(agent, at, reason) VALUES (?, ?, ?)", arguments: [name, date.timeIntervalSince1970, reason])
            try db.execute(sql: "UPDATE agents SET restarts = restarts + 1 WHERE name = ?", arguments: [name])
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM agent_restarts WHERE agent = ? AND at >= ?",
                                    arguments: [name, since.timeIntervalSince1970]) ?? 0
        }
    }

    public func restartCount(_ name: String, since: Date) throws -> Int {
        try database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM agent_restarts WHERE agent = ? AND at >= ?", arguments: [name, since.timeIntervalSince1970]) ?? 0
        }
    }

    /// The id of the agent's latest hook event, or nil before its first.
    public func lastEventId(agent: String) throws -> Int64? {
        try database.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM agent_events WHERE agent = ?", arguments: [agent]) }
    }

    /// The agent's latest event named `name`, as (id, payload).
    public func latestEvent(agent: String, named name: HookEventName) throws -> (id: Int64, payload: String)? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT id, payload FROM agent_events WHERE agent = ? AND event = ? ORDER BY id DESC LIMIT 1",
                             arguments: [agent, name.rawValue]).map { ($0["id"], $0["payload"]) }
        }
    }

    /// Events of an agent after `afterId`, oldest first, as (id, name, payload).
    public func events(agent: String, after afterId: Int64 = 0) throws -> [(id: Int64, event: HookEventName, payload: String)] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, event, payload FROM agent_events WHERE agent = ? AND id > ? ORDER BY id", arguments: [agent, afterId])
                .map { ($0["id"], HookEventName(rawValue: $0["event"]), $0["payload"]) }
        }
    }

    /// Records a hook event and advances the turn it concerns, in one transaction.
    /// `replyFallback` is the reply read from the transcript, used when a Stop lacks `last_assistant_message`.
    @discardableResult
    /// `deferBookkeeping`: a Stop that ends a turn leaves it `replied` (a daemon finishes it), not `done`.
    public func applyHookEvent(_ event: HookEvent, agent: String, at date: Date, replyFallback: String? = nil,
                               deferBookkeeping: Bool = false) throws -> HookOutcome {
        try database.write { db in
            try db.execute(sql: "INSERT INTO agent_events(agent, event, session_id, prompt_id, payload, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [agent, event.name.rawValue, event.sessionId, event.promptId, event.raw, date.timeIntervalSince1970])
            var outcome = HookOutcome(eventId: db.lastInsertedRowID)
            let now = date.timeIntervalSince1970
            switch event.name {
            case .sessionStart:
                try db.execute(sql: "UPDATE agents SET state = 'running', session_id = COALESCE(?, session_id) WHERE name = ? AND state IN ('starting', 'running')",
                               arguments: [event.sessionId, agent])
            case .userPromptSubmit:
                try db.execute(sql: "UPDATE agents SET permission = NULL WHERE name = ?", arguments: [agent])
                let sent = try Turn.fetchAll(db, sql: "SELECT * FROM turns WHERE agent = ? AND state = 'sent' ORDER BY id", arguments: [agent])
                if let prompt = event.prompt, let turn = sent.first(where: { HookEvent.samePrompt(prompt, $0.typedText) }) {
                    try db.execute(sql: "UPDATE turns SET state = 'submitted', submitted_at = ?, prompt_id = ?, session_id = ? WHERE id = ?",
                                   arguments: [now, event.promptId, event.sessionId, turn.id])
                    outcome.turnId = turn.id
                    outcome.turnState = .submitted
                }
            case .stop, .stopFailure:
                try db.execute(sql: "UPDATE agents SET permission = NULL WHERE name = ?", arguments: [agent])
                let submitted = try Turn.fetchAll(db, sql: "SELECT * FROM turns WHERE agent = ? AND state = 'submitted' ORDER BY id", arguments: [agent])
                // Match by prompt id where the agent sends one; older agents lack it, and then the oldest
                // submitted turn is the one that ended (an agent works on one prompt at a time).
                let turn = event.promptId.flatMap { id in submitted.first { $0.promptId == id } }
                    ?? (event.promptId == nil || submitted.allSatisfy { $0.promptId == nil } ? submitted.first : nil)
                if let turn {
                    if event.name == .stop, deferBookkeeping {
                        let reply = event.lastAssistantMessage ?? replyFallback ?? ""
                        try db.execute(sql: "UPDATE turns SET state = 'replied', reply = ? WHERE id = ?", arguments: [reply, turn.id])
                        outcome.turnState = .replied
                    } else if event.name == .stop {
                        let reply = event.lastAssistantMessage ?? replyFallback ?? ""
                        try db.execute(sql: "UPDATE turns SET state = 'done', reply = ?, ended_at = ? WHERE id = ?", arguments: [reply, now, turn.id])
                        outcome.turnState = .done
                    } else {
                        let message = [event.error, event.lastAssistantMessage].compactMap { $0 }.joined(separator: " — ")
                        try db.execute(sql: "UPDATE turns SET state = 'failed', error = ?, reply = ?, ended_at = ? WHERE id = ?",
                                       arguments: [message.isEmpty ? "the agent reported a failure" : message, event.lastAssistantMessage, now, turn.id])
                        outcome.turnState = .failed
                    }
                    outcome.turnId = turn.id
                }
            case .permissionRequest:
                let waiting = "\(event.toolName ?? "a tool") \(event.toolInput ?? "")".trimmingCharacters(in: .whitespaces)
                try db.execute(sql: "UPDATE agents SET permission = ? WHERE name = ?", arguments: [waiting, agent])
            case .preCompact, .sessionEnd, .other:
                break
            }
            return outcome
        }
    }
}
