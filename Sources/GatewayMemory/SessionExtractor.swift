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
    /// turn when the transcript has not caught up with the Stop that reported it.
    public func extract(_ transcripts: [URL]? = nil, pendingReply: String? = nil) async throws -> SessionExtractResult {
        let transcripts = transcripts ?? mayorTranscripts()
        let store = MemoryStore(environment: environment, town: town, config: config)
        try store.hooks.existingHook(Hook.mayor)
        let calendar = store.calendar
        let now = environment.clock.now()
        let cursor = TranscriptCursor(town: town)
        let summary = LockedBox(SessionExtractResult(transcripts: transcripts.count, turnsRead: 0, files: []))
        let result = try await store.hooks.write(Hook.mayor, message: "Extract the conversation into memory/sessions") { worktree in
            // Under the hook's lock: two hooks firing at once never read the same offsets twice.
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
                let relative = SessionLog.relativePath(day: day)
                let url = worktree.appendingPathComponent(relative)
                let existing = FileSystem.exists(url) ? try FileSystem.readText(url) : nil
                guard let updated = SessionLog.upserting(turns, into: existing, day: day) else { continue }
                try FileSystem.writeAtomically(updated, to: url)
                changed.append(relative)
            }
            try cursor.save(offsets)
            summary.set(SessionExtractResult(transcripts: transcripts.count, turnsRead: read, files: changed, contextTokens: context))
            return changed
        }
        var outcome = summary.get()
        outcome.commit = result.commit
        if !outcome.files.isEmpty {
            do {
                try MemoryIndex.open(town: town).refresh(root: store.directory, only: outcome.files)
            } catch {
                environment.logger.warning("memory index not updated after extraction", metadata: ["error": "\(error)"])
            }
        }
        return outcome
    }
}
