import Foundation
import GatewayCore
import GatewayAgents

/// One exchange with the Mayor: what was asked and the final reply (tool traffic left out).
public struct SessionTurn: Sendable, Equatable {
    /// Stable across re-reads: the prompt record's `uuid`, else its `promptId`, else a hash of its time and text.
    public var key: String
    public var prompt: String
    /// Nil while the turn is still running (or its reply not yet written to the transcript).
    public var reply: String?
    public var date: Date?

    public init(key: String, prompt: String, reply: String?, date: Date?) {
        self.key = key
        self.prompt = prompt
        self.reply = reply
        self.date = date
    }

    /// Groups transcript entries into turns: each prompt with the last assistant message after it
    /// (joined over the lines it was split into, which share `message.id`).
    public static func turns(_ entries: [TranscriptReader.Entry]) -> [SessionTurn] {
        var turns: [SessionTurn] = []
        var replies: [TranscriptReader.Entry] = []
        func closeReply() {
            guard !turns.isEmpty, let last = replies.last else { return }
            let parts = last.messageId.map { id in replies.filter { $0.messageId == id } } ?? [last]
            turns[turns.count - 1].reply = parts.map(\.text).joined(separator: "\n")
        }
        for entry in entries {
            switch entry.role {
            case .user:
                closeReply()
                replies = []
                let key = entry.uuid ?? entry.promptId ?? StableHash.shortHex("\(entry.timestamp ?? "")\n\(entry.text)")
                turns.append(SessionTurn(key: key, prompt: entry.text, reply: nil, date: entry.timestamp.flatMap(Self.parseTimestamp)))
            case .assistant:
                replies.append(entry)
            }
        }
        closeReply()
        return turns
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// The text of `memory/sessions/YYYY-MM-DD.md`: a title, then one block per turn, each opened by a
/// `<!-- turn KEY -->` line. Writing a turn whose key is already there replaces its block, so
/// extracting the same transcript again never makes a second copy, and a reply that arrived later
/// completes the block it belongs to.
public enum SessionLog {
    public static func relativePath(day: String) -> String { relativePath(day: day, part: 1) }

    /// A day's log is written in parts of about `partLimit` bytes: `DAY.md`, then `DAY.2.md`, `DAY.3.md`…
    /// so that each Stop rewrites, commits and re-indexes one bounded file however long the day's
    /// conversation grows (a single file made every Stop of a busy day slower than the last).
    public static func relativePath(day: String, part: Int) -> String {
        part <= 1 ? "memory/sessions/\(day).md" : "memory/sessions/\(day).\(part).md"
    }

    /// A part that reached this size takes no new turns; a turn already in it is still completed there.
    public static let partLimit = 256 * 1024

    static let markerPrefix = "<!-- turn "
    static let markerSuffix = " -->"

    /// Whether `text` holds the block of the turn `key`.
    static func holds(_ key: String, in text: String) -> Bool {
        text.contains("\(markerPrefix)\(key)\(markerSuffix)\n")
    }

    /// Which part each turn goes to, given how many parts the day has and the text of its last two
    /// (`recent`, by part number): a turn already logged in one of those stays there (its reply may come
    /// after the next part began); a new turn goes to the newest part, or starts a new one when that part
    /// is full. Older parts are full and hold finished turns only.
    static func placing(_ keys: [String], parts count: Int, recent: [Int: String]) -> [Int] {
        var newest = max(count, 1)
        var newestSize = recent[count]?.utf8.count ?? 0
        let newestFirst = recent.keys.sorted(by: >)
        return keys.map { key in
            if let part = newestFirst.first(where: { holds(key, in: recent[$0] ?? "") }) { return part }
            if newestSize >= partLimit {
                newest += 1
                newestSize = 0
            }
            // An estimate of the block's size is enough to decide when the part is full.
            newestSize += 512
            return newest
        }
    }

    /// The log with `turns` written in (nil when nothing changed).
    public static func upserting(_ turns: [(turn: SessionTurn, time: String)], into existing: String?, day: String) -> String? {
        var (head, blocks) = parse(existing ?? "# Conversation of \(day), extracted from the Mayor's transcript\n")
        for (turn, time) in turns {
            let block = render(turn, time: time)
            if let index = blocks.firstIndex(where: { $0.key == turn.key }) {
                // A block with its reply is never replaced by one still waiting for it.
                if turn.reply == nil, !blocks[index].text.contains("\n**Reply** (pending)") { continue }
                blocks[index].text = block
            } else {
                blocks.append((turn.key, block))
            }
        }
        let updated = head + blocks.map { "\n" + $0.text }.joined()
        return updated == existing ? nil : updated
    }

    /// The keys of the turns a log holds, in order.
    public static func keys(in text: String) -> [String] { parse(text).blocks.map(\.key) }

    static func render(_ turn: SessionTurn, time: String) -> String {
        var lines = ["\(markerPrefix)\(turn.key)\(markerSuffix)", "## \(time) prompt", ""] + escape(turn.prompt)
        if let reply = turn.reply {
            lines += ["", "**Reply**", ""] + escape(reply)
        } else {
            lines += ["", "**Reply** (pending)"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A line of conversation that looks like a block marker is indented so it stays text.
    static func escape(_ text: String) -> [String] {
        text.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n")
            .map { $0.hasPrefix(markerPrefix) ? " " + $0 : $0 }
    }

    static func parse(_ text: String) -> (head: String, blocks: [(key: String, text: String)]) {
        var head = ""
        var blocks: [(key: String, text: String)] = []
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        for line in lines {
            if line.hasPrefix(markerPrefix), line.hasSuffix(markerSuffix) {
                let key = String(line.dropFirst(markerPrefix.count).dropLast(markerSuffix.count))
                blocks.append((key, line + "\n"))
            } else if blocks.isEmpty {
                head += line + "\n"
            } else {
                blocks[blocks.count - 1].text += line + "\n"
            }
        }
        // Blocks are separated by one blank line when rendered; keep each block's own text without it.
        blocks = blocks.map { ($0.key, $0.text.trimmingCharacters(in: .newlines) + "\n") }
        head = head.trimmingCharacters(in: .newlines) + "\n"
        return (head, blocks)
    }
}
