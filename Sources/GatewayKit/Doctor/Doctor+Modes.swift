import Foundation
import GatewayCore

/// File modes and secrets: what Gateway keeps must be its owner's alone, and every secret the config
/// names must reach the process that sends with it.
extension Doctor {
    /// The files that hold prompts, replies and delivery state: `.gateway/` (0700), the ledger with its
    /// WAL and backups (0600), the daemon's log (0600). Any bit for group or others is reported.
    func fileModeFindings() -> [DoctorFinding] {
        let files = LedgerFiles(ledger: town.ledgerFile)
        var folders = [town.runtimeDirectory]
        if FileSystem.exists(files.backupsDirectory) { folders.append(files.backupsDirectory) }
        var plain = [files.ledger, files.marker, DaemonLog.file(for: town)] + files.companions
        plain += LedgerBackups(files: files).list().map(\.file)
        var findings: [DoctorFinding] = []
        for folder in folders {
            if let mode = Self.mode(folder), mode & 0o077 != 0 {
                findings.append(DoctorFinding("file modes", .warning, "\(folder.path) is open to others (mode \(String(mode, radix: 8))): anyone on this machine can list it",
                                              fix: "`chmod 700 \(quoted(folder))`"))
            }
        }
        for file in plain {
            guard let mode = Self.mode(file), mode & 0o077 != 0 else { continue }
            findings.append(DoctorFinding("file modes", .problem,
                "\(file.path) is readable by others (mode \(String(mode, radix: 8))): it holds prompts, replies and notifications",
                fix: "`chmod 600 \(quoted(file))` (`gw doctor --repair` does it)"))
        }
        return findings.isEmpty ? [.ok("file modes", ".gateway/, the ledger, its backups and the daemon log are the owner's alone")] : findings
    }

    /// The permission bits of a file, nil when it does not exist.
    static func mode(_ url: URL) -> Int? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        return Int(info.st_mode) & 0o777
    }

    /// Every secret the config names. A `*_env` one must be set in the environment of the process that
    /// sends: the running daemon's own (read from /proc where there is one), else this shell's — with the
    /// reminder that a systemd or launchd service never inherits it. A `*_file` one must be private.
    /// Only names are reported, never a value.
    func secretFindings(_ config: GatewayConfig) -> [DoctorFinding] {
        let secrets = config.notify.targets.keys.sorted().flatMap { config.notify.targets[$0]!.secrets }
        guard !secrets.isEmpty else { return [.ok("secrets", "the config names none")] }
        let daemon = town.runningDaemonPID()
        let daemonVariables = daemon.flatMap(ProcessEnvironmentNames.of)
        return secrets.map { secret in
            let check = "secret \(secret.key)"
            switch secret.source {
            case .environment(let name):
                let fix = "write `\(secret.key.replacingOccurrences(of: "_env", with: "_file")) = \"PATH\"` instead, naming a file only you can read (chmod 600): it reaches the daemon however it is started"
                if let daemon, let daemonVariables {
                    if daemonVariables.contains(name) { return .ok(check, "\(name) is set in the daemon's environment (pid \(daemon))") }
                    return DoctorFinding(check, .problem,
                        "\(name) is not set in the running daemon's environment (pid \(daemon)): its notifications to this target fail. A systemd or launchd service does not inherit your shell's variables",
                        fix: fix)
                }
                let where_ = daemon == nil ? "this shell's environment" : "this shell's environment (the daemon's could not be read)"
                guard let value = environment.variables[name], !value.isEmpty else {
                    return DoctorFinding(check, .problem,
                        "\(name) is not set in \(where_), so nothing started from it can send to this target; a systemd or launchd service does not inherit your shell's variables either",
                        fix: fix)
                }
                return DoctorFinding(check, .warning,
                    "\(name) is set in \(where_), but a daemon started by systemd or launchd (`gw daemon install`) does not inherit your shell's variables",
                    fix: fix)
            case .file(let path):
                let url = SecretReference.fileURL(path, root: town.root)
                if let problem = SecretReference.permissionProblem(url) { return DoctorFinding(check, .problem, problem, fix: "`chmod 600 \(quoted(url))`") }
                return .ok(check, "\(url.path) is private")
            }
        }
    }
}
