import Foundation
import GatewayCore
import GatewayChat

/// The attachments the conversation waits for, each fetched in a task of its own (`ChatConversation`
/// starts them): a large or slow download holds up only the messages of its own chat, which wait
/// behind it in order, never the poller, another chat or a button press. Only the outcome lives here,
/// in memory: the message stays `received` in the ledger until it is queued with that outcome, so a
/// daemon killed mid-download downloads it again (into the same file, `ChatAttachmentSaver`).
actor ChatDownloads {
    struct Key: Hashable, Sendable {
        var bot: Int64
        var update: Int64
    }

    /// A download to start: the message's attachment, saved as the settings of the moment say.
    struct Job: Sendable {
        var key: Key
        var attachment: ChatAttachment
        var saver: ChatAttachmentSaver
    }

    private enum Progress {
        case waiting(Job)
        case running
        case done(ChatAttachmentOutcome)
    }

    private var jobs: [Key: Progress] = [:]

    /// Rings when a download is asked for that nobody has started yet.
    nonisolated let requested = Wakeup()

    /// The outcome of `key`'s attachment once it is saved (or refused); nil while it is on its way —
    /// asked for here the first time.
    func outcome(_ key: Key, attachment: ChatAttachment, saver: ChatAttachmentSaver) -> ChatAttachmentOutcome? {
        switch jobs[key] {
        case .done(let outcome)?:
            return outcome
        case .waiting?, .running?:
            return nil
        case nil:
            jobs[key] = .waiting(Job(key: key, attachment: attachment, saver: saver))
            requested.ring()
            return nil
        }
    }

    /// The downloads asked for and not started, now marked running.
    func start() -> [Job] {
        var started: [Job] = []
        for (key, progress) in jobs {
            guard case .waiting(let job) = progress else { continue }
            jobs[key] = .running
            started.append(job)
        }
        return started.sorted { ($0.key.bot, $0.key.update) < ($1.key.bot, $1.key.update) }
    }

    /// Keeps the outcome for the conversation, unless it stopped waiting for it (`forget`).
    func finish(_ key: Key, _ outcome: ChatAttachmentOutcome) {
        guard jobs[key] != nil else { return }
        jobs[key] = .done(outcome)
    }

    /// Whether the conversation still waits for `key`'s outcome.
    func wanted(_ key: Key) -> Bool { jobs[key] != nil }

    /// Drops what is known of `key` once its message went on (or turned out handled already).
    func forget(_ key: Key) { jobs[key] = nil }
}
