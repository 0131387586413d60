import Foundation
import GatewayCore
import GatewayAgents

/// Reads the token counts of the agents' conversations from their transcripts into the ledger. It is
/// incremental (each transcript from where the last read stopped) and idempotent (a message is keyed by
/// its id), so the daemon after every turn, `gw usage` and a budget check before a beat may all run it,
/// at once or not, and each message counts once. Only the conversation is counted: side requests Claude
/// Code makes (a session's title, a summary) never reach the transcript.
public struct UsageCollector: Sendable {
    let environment: GatewayEnvironment
    let claudeHome: ClaudeConfigHome
    /// At most this much is read per transcript per call; the rest waits for the next call.
    let readLimit: Int

    public init(environment: GatewayEnvironment, readLimit: Int = 64 << 20) {
        self.environment = environment
        claudeHome = ClaudeConfigHome(variables: environment.variables)
        self.readLimit = readLimit
    }

    /// Reads what is new; returns how many messages were stored (again or for the first time).
    @discardableResult
    public func collect(ledger: Ledger) async throws -> Int {
        try await ledger.registerNewTranscripts()
        var stored = 0
        for read in try await ledger.usageReads() {
            stored += try await collect(read, ledger: ledger)
        }
        return stored
    }

    func collect(_ start: UsageRead, ledger: Ledger) async throws -> Int {
        // The path came from a hook payload: only a regular file in the agent's Claude folder is read.
        guard case .success(let url) = TranscriptAccess(home: claudeHome).check(start.transcript) else { return 0 }
        var read = start
        var stored = 0
        var budget = readLimit
        while budget > 0 {
            let chunk: (data: Data, start: Int)
            do {
                chunk = try TranscriptAccess.read(url, from: read.readTo, maxBytes: TranscriptAccess.maxLineBytes)
            } catch {
                environment.logger.debug("usage: could not read \(start.transcript): \(error.userMessage)")
                return stored
            }
            // A file shorter than the last read was replaced: it is read again from its start.
            if chunk.start < read.readTo { read.promptId = nil }
            guard !chunk.data.isEmpty else { break }
            var messages: [(usage: MessageUsage, promptId: String?)] = []
            var consumed = 0
            var lineStart = chunk.data.startIndex
            while let newline = chunk.data[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = chunk.data[lineStart..<newline]
                lineStart = newline + 1
                consumed = lineStart - chunk.data.startIndex
                switch TranscriptUsageLine.parse(Data(line)) {
                case .prompt(let id)?: read.promptId = id
                case .message(let usage)?: messages.append((usage, read.promptId))
                case nil: break
                }
            }
            if consumed == 0 {
                // No line ends in a whole read: a line longer than any record worth reading (skipped, as
                // every transcript reader does), or one still being written (read next time).
                guard chunk.data.count >= TranscriptAccess.maxLineBytes else { break }
                consumed = chunk.data.count
            }
            read.readTo = chunk.start + consumed
            budget -= consumed
            try await ledger.recordUsage(read, messages: messages, now: environment.clock.now())
            stored += messages.count
        }
        return stored
    }
}
