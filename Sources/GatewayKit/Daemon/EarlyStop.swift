import Foundation
import GatewayCore

/// SIGTERM or SIGINT arriving while the daemon starts — after its pid file exists but before the
/// ServiceGroup has installed its own handlers — would otherwise kill it with the default action, and
/// a `gw daemon stop` sent at that moment would end it uncleanly. Armed first thing, this records such
/// a signal so the daemon stops gracefully as soon as its services run.
enum EarlyStop {
    private static let requested = LockedBox(false)
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Call once, before the pid file is written.
    static func arm() {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { requested.set(true) }
            source.resume()
            sources.append(source)
        }
    }

    static var wasRequested: Bool { requested.get() }
}
