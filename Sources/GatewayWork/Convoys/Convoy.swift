import Foundation

/// A convoy: a tracked bundle of work items (one heartbeat's tasks, one sling's polecats). It closes
/// when every item has ended.
public struct Convoy: Sendable, Equatable, Codable {
    public var id: Int64
    /// What created it, such as `heartbeat` or `sling`.
    public var kind: String
    public var title: String
    public var state: ConvoyState
    public var createdAt: Date
    public var closedAt: Date?
    public var counts: ConvoyCounts
    /// Items in the order they were given, numbered from 1.
    public var items: [ConvoyItem]
}

/// One line of `gw convoy list`: a convoy without its items.
public struct ConvoySummary: Sendable, Equatable, Codable {
    public var id: Int64
    public var kind: String
    public var title: String
    public var state: ConvoyState
    public var createdAt: Date
    public var closedAt: Date?
    public var counts: ConvoyCounts
}

public enum ConvoyState: String, Sendable, Codable, Equatable {
    case open
    case closed
}

/// How many items are in each state.
public struct ConvoyCounts: Sendable, Equatable, Codable {
    public var pending = 0
    public var running = 0
    public var done = 0
    public var failed = 0
    public var skipped = 0

    public init() {}

    public var total: Int { pending + running + done + failed + skipped }

    mutating func add(_ state: ConvoyItemState, _ count: Int = 1) {
        switch state {
        case .pending: pending += count
        case .running: running += count
        case .done: done += count
        case .failed: failed += count
        case .skipped: skipped += count
        }
    }
}

public enum ConvoyItemState: String, Sendable, Codable, Equatable, CaseIterable {
    case pending, running, done, failed, skipped

    /// Done, failed and skipped items have ended; a convoy closes when all its items have.
    public var hasEnded: Bool { self == .done || self == .failed || self == .skipped }
}

/// Where an item's work landed: a hook branch and the commit on it.
public struct ConvoyResult: Sendable, Equatable, Codable {
    public var branch: String
    public var commit: String

    public init(branch: String, commit: String) {
        self.branch = branch
        self.commit = commit
    }
}

/// What a new convoy item is: its title and, when already known, the agent that will do it.
public struct ConvoyItemPlan: Sendable, Equatable {
    public var title: String
    public var agent: String?

    public init(title: String, agent: String? = nil) {
        self.title = title
        self.agent = agent
    }
}

/// One work item of a convoy.
public struct ConvoyItem: Sendable, Equatable, Codable {
    /// Its number within the convoy, from 1 in the order given.
    public var index: Int
    public var title: String
    public var state: ConvoyItemState
    public var agent: String?
    public var startedAt: Date?
    public var endedAt: Date?
    public var result: ConvoyResult?
    /// A short account of what was done.
    public var summary: String?
    /// Why it failed, when it did.
    public var error: String?
}
