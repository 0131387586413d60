import Foundation
import GatewayCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The daemon's end of `DaemonDoorbell`: binds `.gateway/daemon.sock` and hands every poke received to
/// `received`, from a Dispatch read source — no thread or task waits on the socket. A socket a killed
/// daemon left behind is replaced: the daemon lock, held before this is made, says it is ours.
public final class DoorbellListener: @unchecked Sendable {
    private let source: any DispatchSourceRead
    let file: URL

    /// What one datagram said: its topic (nil when unknown to this version: look at everything) and agent.
    public struct Poke: Sendable, Equatable {
        public var topic: DaemonDoorbell.Topic?
        public var agent: String?

        public init(_ message: String) {
            let words = message.split(separator: " ", maxSplits: 1).map(String.init)
            topic = words.first.flatMap(DaemonDoorbell.Topic.init(rawValue:))
            agent = words.count > 1 ? words[1] : nil
        }
    }

    public init(doorbell: DaemonDoorbell, received: @escaping @Sendable (Poke) -> Void) throws {
        file = doorbell.file
        guard var address = DaemonDoorbell.address(file.path) else {
            throw GatewayError("the town's path is too long for a unix socket (\(file.path))")
        }
        unlink(file.path)
        let descriptor = socket(AF_UNIX, DaemonDoorbell.datagram, 0)
        guard descriptor >= 0 else { throw GatewayError("could not make the daemon's socket: \(String(cString: strerror(errno)))") }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let message = String(cString: strerror(errno))
            close(descriptor)
            throw GatewayError("could not bind \(file.path): \(message)")
        }
        chmod(file.path, 0o600)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: DispatchQueue(label: "gw.doorbell"))
        source.setEventHandler {
            // Every datagram waiting now: one read event may stand for many pokes.
            var buffer = [UInt8](repeating: 0, count: 512)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                received(Poke(String(decoding: buffer[0..<count], as: UTF8.self)))
            }
        }
        source.setCancelHandler { close(descriptor) }
        source.resume()
    }

    /// Stops listening and removes the socket, so a poke sent after the daemon stops fails at once.
    public func cancel() {
        guard !source.isCancelled else { return }
        source.cancel()
        unlink(file.path)
    }
}
