import Foundation
import GatewayCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One poller per bot token on this machine, whatever town runs it: Telegram hands each update to
/// whichever `getUpdates` call comes first, so a second poller would silently steal messages. The lock
/// is a file named by the bot's id (not its secret) in the user's state folder, held for the poller's
/// life; it names the holder's pid and town so the refusal can say who polls.
public final class BotPollLock: @unchecked Sendable {
    private let held: HeldFileLock
    public var file: URL { held.file }

    /// `~/.local/state/gateway/telegram-BOTID.lock` (`$XDG_STATE_HOME` when set).
    public static func file(botId: Int64, variables: [String: String]) -> URL {
        let base = variables["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : nil }
            ?? URL(fileURLWithPath: variables["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".local/state")
        return base.appendingPathComponent("gateway/telegram-\(botId).lock")
    }

    /// Takes the lock or throws, naming who holds it.
    public init(file: URL, town: Town) throws {
        guard let held = try HeldFileLock.tryTake(file) else {
            let holder = (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            throw GatewayError("another Gateway already polls this Telegram bot (\(holder.isEmpty ? file.path : holder)): one bot token serves one town. Give this town its own bot (@BotFather), or stop the other daemon")
        }
        held.record("pid \(getpid()), town \(town.root.path)\n")
        self.held = held
    }

    public func release() { held.release() }
}
