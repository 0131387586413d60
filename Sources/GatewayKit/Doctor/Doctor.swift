import Foundation
import GatewayCore
import GatewayAgents

/// `gw doctor`: checks a town's ledger, backups, hooks, locks, tmux socket, the MCP server program,
/// agents and their CLI, file modes and secrets, each with the command that fixes what it finds. It reads; only `--repair`
/// (`DoctorRepair`) changes anything.
public struct Doctor: Sendable {
    let environment: GatewayEnvironment
    let town: Town

    public init(environment: GatewayEnvironment, town: Town) {
        self.environment = environment
        self.town = town
    }

    /// Runs every check. A config that does not load is a finding too: the checks that need it are skipped.
    public func check() async -> DoctorReport {
        var findings = await ledgerFindings()
        findings += backupFindings()
        findings += await hookFindings()
        findings += await lockFindings()
        findings += await tmuxFindings()
        findings += mcpServerFindings()
        do {
            let config = try town.loadConfig()
            findings += agentSettingsFindings(config)
            findings += await agentCLIFindings(config)
            findings += fileModeFindings()
            findings += secretFindings(config)
        } catch {
            findings.append(DoctorFinding("config", .problem, error.userMessage, fix: "`gw config check` names each problem's line and key"))
            findings += fileModeFindings()
        }
        return DoctorReport(town: town.root.path, findings: findings)
    }

    /// A path as the user would type it in a fix command.
    func quoted(_ url: URL) -> String { ShellQuote.word(url.path) }
}
