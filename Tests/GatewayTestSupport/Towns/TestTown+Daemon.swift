import Foundation
import GatewayCore
import GatewayKit

extension TestTown {
    /// Short daemon intervals with the heartbeat off, for running the real `gw daemon` as a child.
    public static let quickDaemon = """
        [heartbeat]
        every = "off"

        [daemon]
        health_check = "1s"
        poll = "200ms"
        """

    /// The daemon's log so far ("" before it wrote one).
    public var daemonLog: String { (try? String(contentsOf: DaemonLog.file(for: town), encoding: .utf8)) ?? "" }

    /// Starts `gw daemon run --town TOWN ARGS` as a child process with the town's variables only (and
    /// `extra`); its output goes to a file of its own in the town's folder.
    public func spawnDaemon(_ arguments: [String] = [], variables extra: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(try builtProduct("gw").path, ["daemon", "run", "--town", town.root.path] + arguments,
                         environment: variables.merging(extra) { _, new in new },
                         output: directory.path("daemon-\(UUID().uuidString.prefix(6)).out"))
    }
}
