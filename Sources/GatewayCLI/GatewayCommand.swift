import ArgumentParser
import GatewayKit
import GatewayCore

/// `gw`: the root of the command tree (CLI.md).
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gw",
        abstract: "Gateway: a persistent Mayor agent in tmux, woken on a heartbeat, with git-backed memory and notifications.",
        version: "gw \(GatewayVersion.current)",
        subcommands: [
            Install.self,
            Status.self,
            DoctorCommand.self,
            ConfigCommand.self,
            RigCommand.self,
            CrewCommand.self,
            MayorCommand.self,
            AgentEvent.self,
            AgentDied.self,
            FormulaCommand.self,
            ConvoyCommand.self,
            Sling.self,
            PolecatCommand.self,
            HeartbeatCommand.self,
            UsageCommand.self,
            BudgetCommand.self,
            NotifyCommand.self,
            ChatCommand.self,
            ImportCommand.self,
            HookCommand.self,
            MemoryCommand.self,
            DaemonCommand.self,
            MCPCommand.self,
            Demo.self,
        ]
    )
}
