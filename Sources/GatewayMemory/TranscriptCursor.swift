import Foundation
import GatewayCore
import GatewayAgents

/// How far each of the Mayor's transcripts has been read, kept in `.gateway/memory/transcripts.json`
/// so each Stop reads only what was added since. It points at the start of the last turn read, so a
/// turn whose reply was still being written is read again next time.
struct TranscriptCursor: Sendable {
    let file: URL

    init(town: Town) {
        file = town.runtimeDirectory.appendingPathComponent("memory").appendingPathComponent("transcripts.json")
    }

    /// Byte offsets by transcript path; a missing or unreadable state file means start from the beginning.
    func offsets() -> [String: Int] {
        guard let data = try? Data(contentsOf: file),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object.compactMapValues { ($0 as? NSNumber)?.intValue }
    }

    func save(_ offsets: [String: Int]) throws {
        let data = try JSONSerialization.data(withJSONObject: offsets, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        // Not flushed to disk: it is saved after the session logs it covers were flushed and committed,
        // so a power cut leaves either this cursor or an older one (or none), and reading again from an
        // older offset only rewrites the same turns' blocks. An fsync here cost the Stop's bookkeeping ~8 ms.
        try FileSystem.writeAtomically(data, to: file, flush: false)
    }
}

/// What one read of a transcript from an offset found.
struct TranscriptChunk: Sendable {
    var turns: [SessionTurn] = []
    /// Where the next read starts: the first line of the last turn, or the end of the last complete line.
    var nextOffset: Int
    /// The context figure of the last assistant record read, if any.
    var contextTokens: Int?

    /// Reads the complete lines of `url` from `offset` (a transcript that shrank is read from its start),
    /// at most `TranscriptAccess.maxReadBytes` at a time; lines over `maxLineBytes` are skipped.
    static func read(_ url: URL, from offset: Int) throws -> TranscriptChunk {
        let (data, start) = try TranscriptAccess.read(url, from: offset)
        var chunk = TranscriptChunk(nextOffset: start)
        var entries: [TranscriptReader.Entry] = []
        var lastPromptOffset: Int?
        var lineStart = data.startIndex
        while let newline = data[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = data[lineStart..<newline]
            let lineOffset = start + (lineStart - data.startIndex)
            if line.count > TranscriptAccess.maxLineBytes {
                lineStart = data.index(after: newline)
                continue
            }
            if let entry = TranscriptReader.entry(line: line) {
                if entry.role == .user { lastPromptOffset = lineOffset }
                entries.append(entry)
            }
            if let tokens = TranscriptReader.contextTokens(line: line) { chunk.contextTokens = tokens }
            lineStart = data.index(after: newline)
        }
        chunk.turns = SessionTurn.turns(entries)
        chunk.nextOffset = lastPromptOffset ?? start + (lineStart - data.startIndex)
        // A whole read without one line end is a single line longer than any kept: step past it.
        if lineStart == data.startIndex, data.count >= TranscriptAccess.maxReadBytes { chunk.nextOffset = start + data.count }
        return chunk
    }
}
