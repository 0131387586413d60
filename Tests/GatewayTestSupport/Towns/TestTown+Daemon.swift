import Foundation
import GatewayCore
import GatewayKit

extension TestTown {
    /// The heartbeat off and a quick health check, for running the real `gw daemon` as a child. The
    /// daemon's safety nets (the sweep, the config re-check) wait an hour, so whatever a test sees the
    /// daemon do within it was woken by an event: a poke, a hook, an edited file.
    public static let quickDaemon = """
        [heartbeat]
        every = "off"

        [daemon]
        health_check = "1s"
        poll = "1h"
        schedule_recheck = "1h"
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
