import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a `gw` process wakes the town's daemon at once: one datagram to `.gateway/daemon.sock` naming
/// what changed (a hook recorded, a turn or a notification queued). The ledger stays the record — a poke
/// carries no data the daemon acts on, only what to look at — so a poke that is lost costs latency, never
/// work: the daemon's slow safety sweep finds it. Ringing never blocks and never fails the caller: no
/// daemon, a socket a killed daemon left behind, a full queue or a path too long for a socket address
/// all end the call at once, silently.
public struct DaemonDoorbell: Sendable {
    /// What a poke asks the daemon to look at.
    public enum Topic: String, Sendable, CaseIterable {
        /// An agent's hook was recorded: a turn may have been taken, the agent may be ready for the next.
        case hook
        /// An agent's turn ended (its Stop hook, a failure, its death, a cancel): whoever waited for it acts.
        case ended
        /// A turn was queued or cancelled.
        case turns
        /// A notification was queued or released for a retry.
        case outbox
        /// `gw heartbeat now` recorded a beat.
        case heartbeat
        /// A sling was queued, or a polecat changed.
        case polecats
        /// The owner lifted the budgets' pauses: what they held goes on.
        case budget
        /// Who may talk to the Mayor from the chat changed (`gw chat revoke`): what waits is looked at again.
        case chat
    }

    /// `.gateway/daemon.sock`, bound by the running daemon.
    public let file: URL

    public init(town: Town) { file = town.runtimeDirectory.appendingPathComponent("daemon.sock") }

    /// The datagram for `topic`: its name, then the agent it concerns when there is one.
    public static func message(_ topic: Topic, agent: String? = nil) -> String {
        agent.map { "\(topic.rawValue) \($0)" } ?? topic.rawValue
    }

    /// Sends `topic`; true when a daemon's socket took it (for tests and logs — callers go on either way).
    @discardableResult
    public func ring(_ topic: Topic, agent: String? = nil) -> Bool {
        guard var address = Self.address(file.path) else { return false }
        let descriptor = socket(AF_UNIX, Self.datagram, 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        // A daemon that stopped reading (busy, or stopped and not yet replaced) must not hold the caller.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        let bytes = Array(Self.message(topic, agent: agent).utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(descriptor, bytes, bytes.count, 0, socketAddress, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return sent == bytes.count
    }

    /// A unix socket address for `path`, or nil when the path does not fit one (about 104 bytes): such a
    /// town's daemon is woken by its safety sweep only.
    public static func address(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path), !bytes.contains(0) else { return nil }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        #if canImport(Darwin)
        address.sun_len = UInt8(MemoryLayout<sockaddr_un>.size)
        #endif
        return address
    }

    #if canImport(Glibc)
    public static let datagram = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    #else
    public static let datagram = SOCK_DGRAM
    #endif
}
