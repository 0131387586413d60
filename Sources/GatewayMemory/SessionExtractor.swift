import Foundation
import GatewayCore
import GatewayHooks
import GatewayAgents

/// What one extraction did.
public struct SessionExtractResult: Sendable, Equatable, Codable {
    public var transcripts: Int
    /// Turns read from the transcripts this time (some may already have been in the logs).
    public var turnsRead: Int
    /// The session logs that changed, relative to the Mayor's folder.
    public var files: [String]
    public var commit: String?
    /// The context figure of the last assistant record read (input plus cache tokens).
    public var contextTokens: Int?
}

/// Copies the Mayor's conversation from its Claude Code transcripts into `memory/sessions/YYYY-MM-DD.md`
/// with no model call: each prompt and its final reply, tool traffic left out, so nothing said to the
/// Mayor is lost even if it never wrote it down. Reads only what was added since the last run, and
/// writing a turn again replaces its block, so running it any number of times never duplicates.
public struct SessionExtractor: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    let config: MemoryConfig

    public init(environment: GatewayEnvironment, town: Town, config: MemoryConfig) {
        self.environment = environment
        self.town = town
        self.config = config
    }

    /// The Mayor's transcripts: every session file Claude Code keeps for the Mayor's folder.
    public func mayorTranscripts() -> [URL] {
        let runtime = AgentRuntime.mayor(environment: environment, town: town, settings: config.agents)
        let folder = TranscriptReader.folder(configDirectory: runtime.claudeHome.projectsDirectory.deletingLastPathComponent(), cwd: runtime.directory.path)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// Extracts the given transcripts (default: all of the Mayor's). `pendingReply` completes the last
    /// turn when the transcript has not caught up with the Stop that reported it. `index: false` leaves
    /// the search index to the caller (`refreshIndex`), who has something more urgent to do first.
    public func extract(_ transcripts: [URL]? = nil, pendingReply: String? = nil, index: Bool = true) async throws -> SessionExtractResult {
        let transcripts = transcripts ?? mayorTranscripts()
        let store = MemoryStore(environment: environment, town: town, config: config)
        try store.hooks.existingHook(Hook.mayor)
        let calendar = store.calendar
        let now = environment.clock.now()
        let cursor = TranscriptCursor(town: town)
        let summary = LockedBox(SessionExtractResult(transcripts: transcripts.count, turnsRead: 0, files: []))
        // The logs reach the disk while git stages and commits them: an fsync costs milliseconds, on the
        // way from a Stop to the next turn. The cursor moves to where the extraction reached only once they
        // are on disk (a power cut then never leaves it past turns the logs lost) and the commit has landed.
        let pending = LockedBox<(reached: [String: Int], flushed: Task<Void, any Error>)?>(nil)
        let result = try await store.hooks.write(Hook.mayor, message: "Extract the conversation into memory/sessions") { worktree in
            // Under the hook's lock: two extractions never write the same log at once.
            var offsets = cursor.offsets()
            var byDay: [String: [(turn: SessionTurn, time: String)]] = [:]
            var read = 0
            var context: Int?
            for transcript in transcripts where FileSystem.exists(transcript) {
                let chunk = try TranscriptChunk.read(transcript, from: offsets[transcript.path] ?? 0)
                var turns = chunk.turns
                if transcript == transcripts.last, let pendingReply, let last = turns.indices.last, turns[last].reply == nil {
                    turns[last].reply = pendingReply
                }
                for turn in turns {
                    let date = turn.date ?? now
                    byDay[calendar.day(of: date), default: []].append((turn, calendar.time(of: date)))
                }
                read += turns.count
                context = chunk.contextTokens ?? context
                offsets[transcript.path] = chunk.nextOffset
            }
            var changed: [String] = []
            for (day, turns) in byDay.sorted(by: { $0.key < $1.key }) {
                changed += try Self.write(turns, day: day, in: worktree)
            }
            let written = changed.map { worktree.appendingPathComponent($0) }
            pending.set((offsets, Task { try await FileSystem.flush(written) }))
            summary.set(SessionExtractResult(transcripts: transcripts.count, turnsRead: read, files: changed, contextTokens: context))
            return changed
        }
        if let (reached, flushed) = pending.get() {
            try await flushed.value
            // Outside the hook's lock: an extraction that read the older cursor meanwhile reads the same
            // turns again, and writing a turn again changes nothing (the logs keep one block per turn, by its key).
            try cursor.save(reached)
        }
        var outcome = summary.get()
        outcome.commit = result.commit
        if index { Self.refreshIndex(outcome.files, environment: environment, town: town) }
        return outcome
    }

    /// Brings the search index up to date with session logs an extraction changed. A failure is logged:
    /// the index is derived, and a search finds and reads a file it missed.
    public static func refreshIndex(_ files: [String], environment: GatewayEnvironment, town: Town) {
        guard !files.isEmpty else { return }
        do {
            try MemoryIndex.open(town: town).refresh(root: town.mayorDirectory, only: files)
        } catch {
            environment.logger.warning("memory index not updated after extraction", metadata: ["error": "\(error)"])
        }
    }

    /// Writes a day's turns into its parts; returns the parts that changed. Only the last two parts are
    /// read: older ones are full and hold finished turns.
    static func write(_ turns: [(turn: SessionTurn, time: String)], day: String, in worktree: URL) throws -> [String] {
        func url(_ part: Int) -> URL { worktree.appendingPathComponent(SessionLog.relativePath(day: day, part: part)) }
        var count = 0
        while FileSystem.exists(url(count + 1)) { count += 1 }
        var recent: [Int: String] = [:]
        for part in max(count - 1, 1)...max(count, 1) where part <= count { recent[part] = try FileSystem.readText(url(part)) }
        let places = SessionLog.placing(turns.map(\.turn.key), parts: count, recent: recent)
        var changed: [String] = []
        for part in Set(places).sorted() {
            let relative = SessionLog.relativePath(day: day, part: part)
            let mine = zip(turns, places).filter { $0.1 == part }.map(\.0)
            guard let updated = SessionLog.upserting(mine, into: recent[part], day: day) else { continue }
            try FileSystem.writeAtomically(updated, to: url(part), flush: false)
            changed.append(relative)
        }
        return changed
    }
}
