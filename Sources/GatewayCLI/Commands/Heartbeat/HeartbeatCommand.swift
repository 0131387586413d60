import ArgumentParser

/// `gw heartbeat …`: look at and drive the heartbeat.
struct HeartbeatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat", abstract: "Drive and inspect the heartbeat: wake the Mayor now, preview, history, status.",
        subcommands: [HeartbeatNowCommand.self, HeartbeatDryRunCommand.self, HeartbeatHistoryCommand.self, HeartbeatStatusCommand.self])
}
