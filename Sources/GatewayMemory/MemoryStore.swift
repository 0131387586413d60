import Foundation
import GatewayCore
import GatewayHooks

/// What `gw memory append` did.
public struct MemoryAppendResult: Sendable, Equatable, Codable {
    public var file: String
    /// False when the same entry was already in the log (a retried append), so nothing was written.
    public var appended: Bool
    public var commit: String?
    public var pushError: String?
}

/// The Mayor's memory: `MEMORY.md` (curated) and `memory/YYYY-MM-DD.md` (daily, appended) in its hook.
/// The files are the truth; the search index is derived from them.
public struct MemoryStore: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    let config: MemoryConfig

    public init(environment: GatewayEnvironment, town: Town, config: MemoryConfig) {
        self.environment = environment
        self.town = town
        self.config = config
    }

    public var directory: URL { town.mayorDirectory }
    public var calendar: MemoryCalendar { MemoryCalendar(config: config) }
    public static let curatedFile = "MEMORY.md"

    var hooks: HookStore { HookStore(environment: environment, town: town, agents: config.agents) }

    /// MEMORY.md when `day` is nil, else that day's log, as `(relative path, text)`.
    public func show(day: String?) throws -> (file: String, text: String) {
        try hooks.existingHook(Hook.mayor)
        let relative = try day.map { MemoryLog.relativePath(day: try calendar.parseDay($0, now: environment.clock.now())) }
            ?? Self.curatedFile
        let url = directory.appendingPathComponent(relative)
        guard FileSystem.exists(url) else {
            guard day != nil else {
                throw GatewayError("\(url.path) is missing: it is the Mayor's curated memory; restore it from the hook's history with `git -C \(directory.path) checkout -- MEMORY.md`")
            }
            throw GatewayError("there is no \(relative) in \(directory.path) yet: `gw memory append TEXT --date \(relative.dropFirst(7).dropLast(3))` starts it")
        }
        return (relative, try FileSystem.readText(url))
    }

    /// Appends an entry to a daily log (today's by default) and commits it to the Mayor's hook. Safe with
    /// many processes at once (they queue on the hook's lock); a retry of an append that already landed
    /// finds its text there and writes nothing.
    public func append(_ text: String, day: String? = nil, section: String? = nil) async throws -> MemoryAppendResult {
        let body = MemoryLog.normalize(text)
        guard !body.isEmpty else {
            throw GatewayError.usage("nothing to append: give the text as an argument, or `-` to read it from stdin")
        }
        if let section, section.isEmpty || section.contains("\n") {
            throw GatewayError.usage("--section must be one line of text, like --section News")
        }
        let now = environment.clock.now()
        let calendar = self.calendar
        let date = try day.map { try calendar.parseDay($0, now: now) } ?? calendar.day(of: now)
        let relative = MemoryLog.relativePath(day: date)
        let time = calendar.time(of: now)
        try hooks.existingHook(Hook.mayor)
        let appended = LockedBox(false)
        let result = try await hooks.write(Hook.mayor, message: "Append to \(relative)") { worktree in
            let url = worktree.appendingPathComponent(relative)
            let existing = FileSystem.exists(url) ? try FileSystem.readText(url) : nil
            guard let updated = MemoryLog.appending(body, time: time, section: section, to: existing, day: date) else { return [] }
            try FileSystem.writeAtomically(updated, to: url)
            appended.set(true)
            return [relative]
        }
        do {
            try MemoryIndex.open(town: town).refresh(root: directory, only: [relative])
        } catch {
            // The file and its commit are what matter; the next search catches the index up.
            environment.logger.warning("memory index not updated after append", metadata: ["error": "\(error)"])
        }
        return MemoryAppendResult(file: relative, appended: appended.get(), commit: result.commit, pushError: result.pushError)
    }

    /// Searches the memory files, with the index brought up to date with any file changed on disk.
    public func search(_ query: String, limit: Int = 10) async throws -> [MemoryHit] {
        try await Self.search(query, limit: limit, town: town, environment: environment)
    }

    /// `search` for a caller that has not read the config: searching needs none of it (`gw memory
    /// search` starts faster for not reading gateway.toml).
    public static func search(_ query: String, limit: Int = 10, town: Town, environment: GatewayEnvironment) async throws -> [MemoryHit] {
        try HookStore(environment: environment, town: town).existingHook(Hook.mayor)
        return try await MemoryIndex.searchCurrent(file: town.memoryIndexFile, root: town.mayorDirectory, query: query, limit: limit)
    }

    /// Drops the index and builds it again from the files.
    public func reindex() throws -> MemoryIndexStats {
        try hooks.existingHook(Hook.mayor)
        return try MemoryIndex.open(town: town).rebuild(root: directory)
    }

    /// The priming text for a new Mayor session, within `[memory] prime_budget` (and `budget`, when given).
    public func prime(budget: Int? = nil) throws -> PrimeResult {
        try hooks.existingHook(Hook.mayor)
        let now = environment.clock.now()
        let stamp = "\(calendar.day(of: now)) \(calendar.time(of: now)) (\(calendar.timeZone.identifier))"
        return try MemoryPrimer(directory: directory, budget: min(config.memory.primeBudget, budget ?? .max),
                                days: config.memory.primeDays, now: stamp,
                                lockFile: hooks.lockFile(for: Hook.mayor)).build()
    }
}
