import Foundation
import GatewayCore
import GatewayHooks
import GatewayAgents

/// The town's tmux server, the agents' settings files and the agent CLI.
extension Doctor {
    /// The town's private tmux socket: absent (no server, fine), answering, or left by a server that died.
    func tmuxFindings() async -> [DoctorFinding] {
        let tmux = Tmux(socket: town.tmuxSocket)
        let socket = tmux.socketPath(variables: environment.variables)
        guard FileSystem.exists(socket) else {
            return [.ok("tmux", "no server on socket \(town.tmuxSocket) (nothing runs; `gw mayor start` starts one)")]
        }
        do {
            let result = try await environment.processes.run(tmux.command(["list-sessions", "-F", "#{session_name}"]))
            if result.succeeded {
                let sessions = result.stdout.split(separator: "\n").joined(separator: ", ")
                return [.ok("tmux", "server on \(socket.path) answers; sessions: \(sessions.isEmpty ? "none" : sessions)")]
            }
            return [DoctorFinding("tmux", .warning, "\(socket.path) is left by a tmux server that no longer answers (\(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))",
                                  fix: "`rm \(quoted(socket))`, then `gw mayor start`")]
        } catch {
            return [DoctorFinding("tmux", .problem, "tmux could not run: \(error.userMessage)", fix: "install tmux 3.0 or newer (`apt-get install tmux`, `brew install tmux`)")]
        }
    }

    /// The settings and MCP files Gateway wrote for each agent that has started: present and valid JSON,
    /// since the agent CLI refuses to start (or starts without its hooks) otherwise.
    func agentSettingsFindings(_ config: GatewayConfig) -> [DoctorFinding] {
        let agentsDirectory = town.runtimeDirectory.appendingPathComponent("agents")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: agentsDirectory.path)) ?? []).sorted()
        guard !names.isEmpty else { return [.ok("agent settings", "none written yet (`gw mayor start` writes the Mayor's)")] }
        return names.map { name in
            let folder = agentsDirectory.appendingPathComponent(name)
            let files = ["settings.json", "mcp.json"].map { folder.appendingPathComponent($0) }.filter { FileSystem.exists($0) }
            for file in files {
                guard let data = FileManager.default.contents(atPath: file.path),
                      (try? JSONSerialization.jsonObject(with: data)) != nil else {
                    return DoctorFinding("agent settings \(name)", .problem, "\(file.path) is not valid JSON: the agent would start without Gateway's hooks",
                                         fix: name == Hook.mayor ? "`gw mayor restart` writes it again" : "`rm \(quoted(file))`; Gateway writes it again at the agent's next start")
                }
            }
            if files.isEmpty, name == Hook.mayor {
                return DoctorFinding("agent settings \(name)", .warning, "\(folder.path) holds no settings.json", fix: "`gw mayor restart` writes it again")
            }
            return .ok("agent settings \(name)", files.isEmpty ? "no settings files" : files.map(\.lastPathComponent).joined(separator: ", ") + " valid")
        }
    }

    /// The Mayor's agent CLI: found on PATH, and what `--version` says within a few seconds.
    func agentCLIFindings(_ config: GatewayConfig) async -> [DoctorFinding] {
        let profile = config.profile(config.mayor.agent)
        let check = "agent cli"
        let path = environment.variables["PATH"]
        guard let executable = profile.command.contains("/") ? profile.command : ExecutableLookup.find(profile.command, path: path) else {
            return [DoctorFinding(check, .problem, "`\(profile.command)` (the Mayor's agent, profile \(profile.name)) is not on PATH",
                                  fix: profile.name == "claude" ? "install Claude Code (`npm install -g @anthropic-ai/claude-code`) or set `[agents.claude] command` to its path" : "set `[agents.\(profile.name)] command` to the agent's full path in gateway.toml")]
        }
        // coreutils' timeout ends a CLI that hangs instead of answering; without it the check runs plainly.
        let timeout = ExecutableLookup.find("timeout", path: path) ?? ExecutableLookup.find("gtimeout", path: path)
        let command = timeout.map { Command($0, ["5", executable, "--version"]) } ?? Command(executable, ["--version"])
        do {
            let result = try await environment.processes.run(command)
            let version = result.stdout.split(separator: "\n").first.map(String.init) ?? ""
            if result.status == 124, timeout != nil {
                return [DoctorFinding(check, .warning, "\(executable) --version gave no answer within 5 s", fix: "run `\(executable) --version` yourself to see what it waits for")]
            }
            guard result.succeeded, !version.isEmpty else {
                return [DoctorFinding(check, .warning, "\(executable) --version failed (exit \(result.status)): \(result.stderr.prefix(200))",
                                      fix: "run `\(executable) --version` yourself; reinstall the agent CLI if it fails")]
            }
            return [.ok(check, "\(executable): \(version)")]
        } catch {
            return [DoctorFinding(check, .problem, "\(executable) could not run: \(error.userMessage)", fix: "check that \(executable) is executable")]
        }
    }
}
