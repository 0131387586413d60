import ArgumentParser

/// `gw daemon …`: the background process that supervises the Mayor, runs the heartbeat and delivers
/// notifications.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon", abstract: "Run the daemon (Mayor supervisor, heartbeat, notifications) in the foreground or background.",
        subcommands: [DaemonRun.self, DaemonStart.self, DaemonStop.self, DaemonStatus.self, DaemonLogs.self, DaemonInstall.self])
}
