import ArgumentParser

/// `gw heartbeat …`: look at and drive the heartbeat.
struct HeartbeatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat", abstract: "Look at the heartbeat: what the next beat would carry.",
        subcommands: [HeartbeatDryRunCommand.self])
}
