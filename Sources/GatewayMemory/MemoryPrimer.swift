import Foundation
import GatewayCore

/// What priming took from one source, and what it left out.
public struct PrimePart: Sendable, Equatable, Codable {
    public var source: String
    /// Characters of the source included (UTF-16 units, as the hook limit counts them).
    public var included: Int
    public var total: Int
    /// Why something was cut; nil when the source went in whole.
    public var cut: String?
}

/// The text Gateway gives the Mayor when a session starts, and the account of how it was made.
public struct PrimeResult: Sendable, Equatable, Codable {
    public var text: String
    public var budget: Int
    public var parts: [PrimePart]
    public var length: Int { text.utf16.count }
}

/// Builds the priming text within a character budget: MEMORY.md, the most recent daily logs newest
/// first, and any work hung on the Mayor's hook — all written as facts about the Mayor's files, never
/// as commands. MEMORY.md may take half the budget and hung work a fifth of what is left; daily logs
/// fill the rest, each trimmed from its start so the newest entries of a day survive.
public struct MemoryPrimer: Sendable {
    let directory: URL
    let budget: Int
    let days: Int
    let now: String

    /// The hook's lock file, named in the text so the Mayor can keep its git clear of Gateway's commits.
    let lockFile: URL?

    public init(directory: URL, budget: Int, days: Int, now: String, lockFile: URL? = nil) {
        self.directory = directory
        self.lockFile = lockFile
        self.budget = min(budget, MemorySettings.hookLimit)
        self.days = days
        self.now = now
    }

    public func build() throws -> PrimeResult {
        var parts: [PrimePart] = []
        var text = "Gateway memory, as of \(now). These are the Mayor's own files in \(directory.path); "
            + "each holds more than is shown here when marked as cut.\n"
        if let lockFile {
            text += "Gateway commits in that folder too, taking uncommitted changes along; git run there as "
                + "`flock \(lockFile.path) git …` never meets Gateway's commits.\n"
        }
        func remaining() -> Int { budget - text.utf16.count }

        let curated = try read(MemoryStore.curatedFile)
        let work = try hungWork()
        let logs = try recentLogs()

        if let curated {
            let heading = "\n## Long-term memory (MEMORY.md)\n"
            let room = min(remaining(), budget / 2) - heading.utf16.count - 1
            let (kept, cut) = Self.keepHead(curated, room: room)
            if !kept.isEmpty { text += heading + kept + (kept.hasSuffix("\n") ? "" : "\n") }
            parts.append(PrimePart(source: MemoryStore.curatedFile, included: kept.utf16.count, total: curated.utf16.count,
                                   cut: cut ? "over half the budget: only its beginning is included" : nil))
        }

        // Hung work is placed after the logs but its share is set aside first: it is what is pending now.
        let workHeading = "\n## Work hung on the Mayor's hook (work/)\n"
        var workText = ""
        var workParts: [PrimePart] = []
        if !work.isEmpty {
            var room = remaining() / 5 - workHeading.utf16.count
            for (name, content) in work {
                let heading = "### \(name)\n"
                let (kept, cut) = Self.keepHead(content, room: room - heading.utf16.count - 1)
                if !kept.isEmpty {
                    let piece = heading + kept + (kept.hasSuffix("\n") ? "" : "\n")
                    workText += piece
                    room -= piece.utf16.count
                }
                workParts.append(PrimePart(source: name, included: kept.utf16.count, total: content.utf16.count,
                                           cut: kept.isEmpty ? "left out: no room in the budget" : cut ? "only its beginning is included" : nil))
            }
        }
        let reserved = workText.isEmpty ? 0 : workHeading.utf16.count + workText.utf16.count

        if !logs.isEmpty {
            let heading = "\n## Recent daily logs, newest first\n"
            var section = ""
            for (name, content) in logs {
                let title = "### \(name)\n"
                let room = remaining() - reserved - heading.utf16.count - section.utf16.count - title.utf16.count - 1
                let (kept, cut) = Self.keepTail(content, room: room)
                if !kept.isEmpty { section += title + kept + (kept.hasSuffix("\n") ? "" : "\n") }
                parts.append(PrimePart(source: name, included: kept.utf16.count, total: content.utf16.count,
                                       cut: kept.isEmpty ? "left out: no room in the budget" : cut ? "only its latest entries are included" : nil))
            }
            if !section.isEmpty { text += heading + section }
        }
        if !workText.isEmpty { text += workHeading + workText }
        parts += workParts
        return PrimeResult(text: text, budget: budget, parts: parts)
    }

    private func read(_ relative: String) throws -> String? {
        let url = directory.appendingPathComponent(relative)
        return FileSystem.exists(url) ? try FileSystem.readText(url) : nil
    }

    /// The newest `days` daily logs, newest first, skipping empty ones.
    private func recentLogs() throws -> [(String, String)] {
        let folder = directory.appendingPathComponent("memory")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let days = names.filter { $0.hasSuffix(".md") && MemoryCalendar.isDay(String($0.dropLast(3))) }.sorted(by: >).prefix(days)
        return try days.compactMap { name in
            let relative = "memory/\(name)"
            guard let text = try read(relative), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
            return (relative, text)
        }
    }

    private func hungWork() throws -> [(String, String)] {
        let folder = directory.appendingPathComponent("work")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { !$0.hasPrefix(".") }.sorted().compactMap { name in
            let relative = "work/\(name)"
            return try read(relative).map { (relative, $0) }
        }
    }

    /// Whole lines from the start that fit in `room`; whether anything was cut.
    static func keepHead(_ text: String, room: Int) -> (String, Bool) {
        if text.utf16.count <= room { return (text, false) }
        var kept = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let piece = line + "\n"
            if kept.utf16.count + piece.utf16.count > max(0, room - marker.utf16.count) { break }
            kept += piece
        }
        return (kept.isEmpty ? "" : kept + marker, true)
    }

    /// Whole lines from the end that fit in `room`; whether anything was cut.
    static func keepTail(_ text: String, room: Int) -> (String, Bool) {
        if text.utf16.count <= room { return (text, false) }
        var lines: [Substring] = []
        var size = marker.utf16.count
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).reversed() {
            if size + line.utf16.count + 1 > room { break }
            lines.insert(line, at: 0)
            size += line.utf16.count + 1
        }
        let kept = lines.joined(separator: "\n").trimmingCharacters(in: .newlines)
        return (kept.isEmpty ? "" : marker + kept, true)
    }

    static let marker = "[… cut here for length; the file holds more]\n"
}
