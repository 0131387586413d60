import Foundation
import GRDB
import GatewayCore

/// One prompt sent to an agent and its reply.
public struct Turn: Codable, Sendable, Equatable, FetchableRecord {
    public enum State: String, Codable, Sendable {
        case queued, sent, submitted, done, failed
        case timedOut = "timed_out"
        /// The agent answered (its Stop hook came, the reply is stored) and a running daemon does what
        /// follows a Mayor's reply — the session extraction and its commit — before the turn is `done`,
        /// so the hook returns to Claude at once and whoever waits for the end still finds the commit
        /// made. Still in flight: nothing else is sent to the agent until it is done.
        case replied

        public var hasEnded: Bool { self == .done || self == .failed || self == .timedOut }
    }

    public var id: Int64
    public var agent: String
    public var text: String
    public var state: State
    public var source: String
    public var createdAt: Date
    public var sentAt: Date?
    public var submittedAt: Date?
    public var endedAt: Date?
    public var promptId: String?
    public var sessionId: String?
    public var reply: String?
    public var error: String?
    public var enterPresses: Int
    /// What was typed into the agent, fixed just before the paste (`freezeTypedText`): `text` as it
    /// stood then, or the pointer to an inbox file for text too large to type (`TurnText.typedLimit`).
    /// Nil while the turn waits and may still grow (a chat message joining it).
    public var wireText: String?

    /// The text the agent receives at its input line.
    public var typedText: String { wireText ?? text }

    /// The source of a turn carrying chat messages: a person waits for it, so it goes first.
    public static let chatSource = "chat"

    public static let databaseDateDecodingStrategy = DatabaseDateDecodingStrategy.timeIntervalSince1970
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

extension Ledger {
    /// Queues a turn; returns its id. The text is stored as `TurnText.prepare` makes it (controls
    /// removed, never a command); empty text is refused.
    public func enqueueTurn(agent: String, text: String, source: String, at date: Date) throws -> Int64 {
        try database.write { db in try Self.insertTurn(db, agent: agent, text: text, source: source, at: date) }
    }

    /// `enqueueTurn` inside a caller's transaction.
    package static func insertTurn(_ db: Database, agent: String, text: String, source: String, at date: Date) throws -> Int64 {
        let prepared = try TurnText.prepare(text)
        try db.execute(sql: "INSERT INTO turns(agent, text, state, source, created_at) VALUES (?, ?, 'queued', ?, ?)",
                       arguments: [agent, prepared, source, date.timeIntervalSince1970])
        return db.lastInsertedRowID
    }

    public func turn(_ id: Int64) throws -> Turn? {
        try database.read { db in try Turn.fetchOne(db, sql: "SELECT * FROM turns WHERE id = ?", arguments: [id]) }
    }

    /// The next turn to send: the oldest a person is waiting for in a chat, else the oldest of all. A
    /// chat message waits behind at most the turn running when it came, never behind a queue of beats.
    public func nextQueuedTurn(agent: String) throws -> Turn? {
        try database.read { db in
            try Turn.fetchOne(db, sql: "SELECT * FROM turns WHERE agent = ? AND state = 'queued' ORDER BY \(Self.deliveryOrder) LIMIT 1", arguments: [agent])
        }
    }

    /// The order queued turns go in (see `nextQueuedTurn`).
    static let deliveryOrder = "(source = '\(Turn.chatSource)') DESC, id"

    /// The turn the agent is working on (sent, submitted, or replied with its bookkeeping pending), if any.
    public func turnInFlight(agent: String) throws -> Turn? {
        try database.read { db in
            try Turn.fetchOne(db, sql: "SELECT * FROM turns WHERE agent = ? AND state IN ('sent', 'submitted', 'replied') ORDER BY id LIMIT 1", arguments: [agent])
        }
    }

    /// Whether any agent has a turn not yet ended: the watchdog's one look while the town is idle.
    public func anyTurnPending() throws -> Bool {
        try database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM turns WHERE state IN ('queued', 'sent', 'submitted', 'replied'))") ?? false
        }
    }

    /// Every turn not yet ended — in flight first, then the queue — oldest first.
    public func pendingTurns(agent: String) throws -> [Turn] {
        try database.read { db in
            try Turn.fetchAll(db, sql: "SELECT * FROM turns WHERE agent = ? AND state IN ('queued', 'sent', 'submitted', 'replied') ORDER BY state = 'queued', \(Self.deliveryOrder)", arguments: [agent])
        }
    }

    /// Fixes what is typed for a queued turn, just before it is pasted, and returns it (nil when the
    /// turn is no longer queued: a `/cancel` ended it). A queued chat turn grows while it waits; one
    /// that grew between the delivery reading it and marking it sent would have the added message in
    /// its text but not in the agent's input line — lost — and its UserPromptSubmit would match no
    /// turn. Once fixed, a new message starts the next turn instead (`queueChatMessage`).
    public func freezeTypedText(_ id: Int64) throws -> String? {
        try database.write { db in
            try db.execute(sql: "UPDATE turns SET wire_text = text WHERE id = ? AND state = 'queued' AND wire_text IS NULL", arguments: [id])
            return try String.fetchOne(db, sql: "SELECT wire_text FROM turns WHERE id = ? AND state = 'queued'", arguments: [id])
        }
    }

    /// Records what is typed instead of the turn's text (the pointer to its inbox file).
    public func setWireText(_ id: Int64, _ wireText: String) throws {
        try update(id, from: ["queued"], "wire_text = ?", [wireText])
    }

    /// The newest turn that has left the queue (sent, taken or ended).
    public func lastEndedOrRunningTurn(agent: String) throws -> Turn? {
        try database.read { db in
            try Turn.fetchOne(db, sql: "SELECT * FROM turns WHERE agent = ? AND state != 'queued' ORDER BY id DESC LIMIT 1", arguments: [agent])
        }
    }

    public func recentTurns(agent: String, limit: Int) throws -> [Turn] {
        try database.read { db in
            try Turn.fetchAll(db, sql: "SELECT * FROM turns WHERE agent = ? ORDER BY id DESC LIMIT ?", arguments: [agent, limit])
        }
    }

    public func markTurnSent(_ id: Int64, at date: Date) throws {
        try update(id, from: ["queued"], "state = 'sent', sent_at = ?, enter_presses = 1", [date.timeIntervalSince1970])
    }

    /// For screen-read agents, which send no UserPromptSubmit: the screen showed the prompt taken.
    public func markTurnSubmitted(_ id: Int64, at date: Date) throws {
        try update(id, from: ["sent"], "state = 'submitted', submitted_at = ?", [date.timeIntervalSince1970])
    }

    public func recordEnterPressed(_ id: Int64) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE turns SET enter_presses = enter_presses + 1 WHERE id = ?", arguments: [id])
        }
    }

    /// Ends a turn that has not ended yet; an ended turn never changes again.
    public func endTurn(_ id: Int64, state: Turn.State, reply: String? = nil, error: String? = nil, at date: Date) throws {
        precondition(state.hasEnded)
        try update(id, from: ["queued", "sent", "submitted"], "state = ?, reply = COALESCE(?, reply), error = ?, ended_at = ?",
                   [state.rawValue, reply, error, date.timeIntervalSince1970])
    }

    /// Ends a `replied` turn as done once what follows its reply is finished. False when it was not
    /// `replied` (another process finished it first).
    @discardableResult
    public func finishReplied(_ id: Int64, at date: Date) throws -> Bool {
        try database.write { db in
            try db.execute(sql: "UPDATE turns SET state = 'done', ended_at = ? WHERE id = ? AND state = 'replied'",
                           arguments: [date.timeIntervalSince1970, id])
            return db.changesCount == 1
        }
    }

    /// Every `replied` turn, oldest first: their bookkeeping waits for a daemon (or was cut short by one
    /// that stopped).
    public func repliedTurns() throws -> [Turn] {
        try database.read { db in
            try Turn.fetchAll(db, sql: "SELECT * FROM turns WHERE state = 'replied' ORDER BY id")
        }
    }

    /// Fails every turn the agent had in flight: it died, or was restarted, under them.
    public func failTurnsInFlight(agent: String, error: String, at date: Date) throws -> [Int64] {
        try database.write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM turns WHERE agent = ? AND state IN ('sent', 'submitted')", arguments: [agent])
            try db.execute(sql: "UPDATE turns SET state = 'failed', error = ?, ended_at = ? WHERE agent = ? AND state IN ('sent', 'submitted')",
                           arguments: [error, date.timeIntervalSince1970, agent])
            return ids
        }
    }

    private func update(_ id: Int64, from states: [String], _ assignments: String, _ values: [(any DatabaseValueConvertible)?]) throws {
        try database.write { db in
            let placeholders = states.map { _ in "?" }.joined(separator: ", ")
            let arguments = StatementArguments(values + [id] + states)
            try db.execute(sql: "UPDATE turns SET \(assignments) WHERE id = ? AND state IN (\(placeholders))", arguments: arguments)
        }
    }
}
