import Foundation
import Logging
import GatewayCore
import GatewayChat
import GatewayHooks

/// What became of a message's attachment before the message goes to the Mayor.
enum ChatAttachmentOutcome: Sendable, Equatable {
    /// Committed into the Mayor's hook at `file`.
    case saved(file: URL, bytes: Int64)
    /// Not saved: `reason` completes "was not saved: …" for the Mayor, `reply` tells the sender.
    case notSaved(reason: String, reply: String)

    /// The line the Mayor's turn carries under the message's header.
    func line(for attachment: ChatAttachment) -> String {
        switch self {
        case .saved(let file, let bytes):
            "\(ChatTurnText.attachmentHeader): \(attachment.described), \(ConfigByteSize.readable(bytes)), saved as \(file.path)]"
        case .notSaved(let reason, _):
            "\(ChatTurnText.attachmentHeader) not saved: \(attachment.described) — \(reason). The sender was told.]"
        }
    }
}

/// Saves a photo, document or voice message from the chat into the Mayor's hook under `inbox/`, as a
/// commit (pushed with the hook when `[hooks] remote` is set). Nothing is recorded until the message
/// itself reaches the Mayor, and the file name is fixed by the update's id: a daemon killed half-way
/// downloads it again and writes the same file, which makes no second commit.
struct ChatAttachmentSaver: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    let config: GatewayConfig
    let settings: TelegramChatSettings
    var logger: Logger { environment.logger }

    /// Tries per attachment, and the pauses between them: a short outage is ridden out, a long one
    /// does not hold up the messages behind this one for long.
    static let pauses: [Duration] = [.seconds(1), .seconds(3)]

    var limit: Int64 { settings.maxAttachment.bytes }

    /// `wanted`: asked once the bytes are here, before anything is written — false when the message
    /// went no further meanwhile (its sender was revoked), and then nothing of it enters the hook.
    func save(_ attachment: ChatAttachment, update: Int64, wanted: @Sendable () async -> Bool = { true }) async -> ChatAttachmentOutcome {
        if let size = attachment.size, size > limit { return tooLarge(attachment, size: size) }
        let data: Data
        switch await download(attachment) {
        case .success(let bytes): data = bytes
        case .failure(let error as TelegramFileTooLarge): return tooLarge(attachment, size: error.size)
        case .failure(let error):
            logger.warning("chat: the \(attachment.kind) of message \(update) could not be downloaded: \(error.userMessage)")
            return .notSaved(reason: "it could not be downloaded from Telegram (\(error.userMessage))",
                             reply: "⚠️ Your \(attachment.described) could not be downloaded from Telegram, so the Mayor got your message without it. Send it again in a while; attachments up to \(readableLimit) are accepted.")
        }
        guard await wanted() else {
            logger.info("chat: the \(attachment.kind) of message \(update) was dropped unsaved: its message went no further")
            return .notSaved(reason: "its message went no further", reply: "")
        }
        let relative = attachment.hookPath(updateId: update)
        let hooks = HookStore(environment: environment, town: town, config: config)
        do {
            let written = try await hooks.write(Hook.mayor, message: "Save the \(attachment.kind) sent from Telegram (update \(update), \(ConfigByteSize.readable(Int64(data.count)))) as \(relative)") { worktree in
                try FileSystem.writeAtomically(data, to: worktree.appendingPathComponent(relative))
                return [relative]
            }
            if let pushError = written.pushError { logger.warning("chat: pushing the Mayor's hook failed: \(pushError)") }
        } catch {
            logger.error("chat: the \(attachment.kind) of message \(update) could not be saved in the Mayor's hook: \(error.userMessage)")
            return .notSaved(reason: "it could not be saved in the Mayor's hook (\(error.userMessage))",
                             reply: "⚠️ Your \(attachment.described) could not be saved on the host, so the Mayor got your message without it.")
        }
        logger.info("chat: saved the \(attachment.kind) of message \(update) as \(relative) in the Mayor's hook")
        return .saved(file: Hook.worktree(for: Hook.mayor, in: town).appendingPathComponent(relative), bytes: Int64(data.count))
    }

    var readableLimit: String { ConfigByteSize.readable(limit) }

    func tooLarge(_ attachment: ChatAttachment, size: Int64?) -> ChatAttachmentOutcome {
        let what = size.map { "\(ConfigByteSize.readable($0)), " } ?? ""
        return .notSaved(reason: "it is \(what)over the \(readableLimit) limit ([chat.telegram] max_attachment)",
                         reply: "⚠️ Your \(attachment.described) is \(what)over the \(readableLimit) limit, so it was not saved; the Mayor got your message without it. Attachments up to \(readableLimit) are accepted.")
    }

    /// `getFile` and the download, tried again after a pause when the failure may pass (no answer, a
    /// server error, too many requests); a refusal or a file too large is final at once.
    func download(_ attachment: ChatAttachment) async -> Result<Data, any Error> {
        let api: TelegramBotAPI
        do {
            api = TelegramBotAPI(http: environment.http, apiBase: settings.apiBase,
                                 token: try settings.token.resolve(variables: environment.variables, root: town.root))
        } catch {
            return .failure(error)
        }
        var attempt = 0
        while true {
            do {
                let file = try await api.file(id: attachment.fileId)
                return .success(try await api.download(file, limit: limit))
            } catch {
                if let refused = error as? TelegramAPIError, case .refused(_, let description) = refused, description.lowercased().contains("file is too big") {
                    return .failure(TelegramFileTooLarge(size: nil, limit: limit))
                }
                guard attempt < Self.pauses.count, Self.mayPass(error) else { return .failure(error) }
                try? await environment.clock.sleep(for: Self.pauses[attempt])
                attempt += 1
            }
        }
    }

    static func mayPass(_ error: any Error) -> Bool {
        switch error {
        case is TelegramTransportError: true
        case TelegramAPIError.refused(let code?, _): code == 429 || code >= 500
        default: false
        }
    }
}
