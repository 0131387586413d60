import Foundation
import Logging
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify
@testable import GatewayHeartbeat
import GatewayTestSupport

/// The daemon's parts that need no running daemon: its unit files, lock, log and config.
struct DaemonPartsTests {
    let town = Town(root: URL(fileURLWithPath: "/srv/my towns/home%1"))

    @Test func theSystemdUnitRunsThisGwWithTheTownAndCarriesPath() {
        let unit = DaemonUnit.make(town: town, townName: "home", executable: "/opt/gw/bin/gw",
                                   variables: ["HOME": "/home/ann", "PATH": "/home/ann/.local/bin:/usr/bin"], kind: .systemd)
        #expect(unit.path.path == "/home/ann/.config/systemd/user/gateway-\(town.id).service")
        let lines = unit.text.split(separator: "\n").map(String.init)
        #expect(lines.contains(#"ExecStart="/opt/gw/bin/gw" "daemon" "run" "--town" "/srv/my towns/home%%1""#))
        #expect(lines.contains(#"Environment="PATH=/home/ann/.local/bin:/usr/bin""#))
        #expect(lines.contains("WorkingDirectory=/srv/my towns/home%%1"))
        #expect(lines.contains("Restart=on-failure"))
        // Stopping the daemon must not take the Mayor's tmux server with it.
        #expect(lines.contains("KillMode=process"))
        // `systemctl --user reload` is SIGHUP, which reloads the config.
        #expect(lines.contains("ExecReload=/bin/kill -HUP $MAINPID"))
        #expect(lines.contains("WantedBy=default.target"))
        #expect(unit.enableCommand == "systemctl --user daemon-reload && systemctl --user enable --now gateway-\(town.id).service")
        #expect(!unit.text.contains("CLAUDE_CONFIG_DIR"))
    }

    @Test func aChosenClaudeConfigFolderTravelsWithTheUnitButNoSecretDoes() {
        let variables = ["HOME": "/home/ann", "PATH": "/usr/bin", "CLAUDE_CONFIG_DIR": "/home/ann/.claude-work",
                         "ANTHROPIC_API_KEY": "sk-secret", "TELEGRAM_BOT_TOKEN": "123:secret"]
        for kind in [DaemonUnit.Kind.systemd, .launchd] {
            let unit = DaemonUnit.make(town: town, townName: "home", executable: "/usr/bin/gw", variables: variables, kind: kind)
            #expect(unit.text.contains("/home/ann/.claude-work"))
            #expect(!unit.text.contains("secret"))
        }
    }

    @Test func systemdQuotingEscapesSpecifiersVariablesAndQuotes() {
        #expect(DaemonUnit.systemdQuote(#"a "b" $HOME 50% \n"#) == #""a \"b\" $$HOME 50%% \\n""#)
        #expect(DaemonUnit.systemdQuote("PATH=/a$b:%c", variables: false) == #""PATH=/a$b:%%c""#)
    }

    @Test func theLaunchdPlistCarriesArgumentsPathAndKeepAlive() throws {
        let unit = DaemonUnit.make(town: town, townName: "home", executable: "/opt/gw & co/gw",
                                   variables: ["HOME": "/Users/ann", "PATH": "/opt/homebrew/bin:/usr/bin"], kind: .launchd)
        #expect(unit.path.path == "/Users/ann/Library/LaunchAgents/dev.gateway.\(town.id).plist")
        #expect(unit.text.contains("<string>/opt/gw &amp; co/gw</string>\n        <string>daemon</string>\n        <string>run</string>\n        <string>--town</string>\n        <string>/srv/my towns/home%1</string>"))
        #expect(unit.text.contains("<key>PATH</key>\n        <string>/opt/homebrew/bin:/usr/bin</string>"))
        // Kept alive only after a failure, so `gw daemon stop` stays stopped.
        #expect(unit.text.contains("<key>KeepAlive</key>\n    <dict>\n        <key>SuccessfulExit</key>\n        <false/>"))
        #expect(unit.enableCommand == "launchctl load -w /Users/ann/Library/LaunchAgents/dev.gateway.\(town.id).plist")
        // It is a well-formed property list.
        let plist = try PropertyListSerialization.propertyList(from: Data(unit.text.utf8), format: nil) as? [String: Any]
        #expect((plist?["ProgramArguments"] as? [String])?.first == "/opt/gw & co/gw")
        #expect((plist?["EnvironmentVariables"] as? [String: String]) == ["PATH": "/opt/homebrew/bin:/usr/bin"])
    }

    @Test func installPrintsOrWritesTheUnitAndTheCommandThatEnablesIt() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (installed, home) = (fixture.town, fixture.home)
        // The unit names the PATH gw ran with; the town's HOME is where it is written.
        let variables = ["PATH": "/custom/bin:/usr/bin"]
        let printed = try await fixture.gw(["daemon", "install", "--print", "--kind", "systemd"], variables: variables)
        #expect(printed.status == 0, "\(printed.stderr)")
        let gwPath = try builtProduct("gw").path
        #expect(printed.stdout.contains(#"ExecStart="\#(gwPath)" "daemon" "run" "--town" "\#(installed.root.path)""#), "\(printed.stdout)")
        #expect(printed.stdout.contains(#"Environment="PATH=/custom/bin:/usr/bin""#))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent(".config").path))

        let written = try await fixture.gw(["daemon", "install", "--kind", "systemd"], variables: variables)
        #expect(written.status == 0, "\(written.stderr)")
        let file = home.appendingPathComponent(".config/systemd/user/gateway-\(installed.id).service")
        #expect(try String(contentsOf: file, encoding: .utf8) == printed.stdout)
        #expect(written.stdout.contains("systemctl --user enable --now gateway-\(installed.id).service"))

        let bad = try await fixture.gw(["daemon", "install", "--kind", "upstart"], variables: variables)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--kind must be systemd or launchd"))
    }

    @Test func theLockAdmitsOneDaemonAndItsReleaseRemovesThePidFile() async throws {
        let directory = TemporaryDirectory("gw-daemon-lock")
        let town = Town(root: directory.url)
        let first = try await DaemonLock.acquire(town, clock: SystemWallClock())
        #expect(DaemonPidFile.runningPid(town) == getpid())
        // flock is per open file: a second open in this same process conflicts like another process would.
        await #expect(throws: GatewayError.self) { try await DaemonLock.acquire(town, clock: SystemWallClock(), attempts: 2) }
        do {
            _ = try await DaemonLock.acquire(town, clock: SystemWallClock(), attempts: 1)
        } catch let error as GatewayError {
            #expect(error.message.contains("a daemon is already running for this town (pid \(getpid()))"))
            #expect(error.message.contains("gw daemon stop"))
        }
        first.release()
        #expect(!FileManager.default.fileExists(atPath: DaemonPidFile.url(town).path))
        let second = try await DaemonLock.acquire(town, clock: SystemWallClock())
        #expect(DaemonPidFile.recordedPid(town) == getpid())
        second.release()
    }

    @Test func aPidFileNamingADeadProcessIsStale() async throws {
        let directory = TemporaryDirectory("gw-daemon-stale")
        let town = Town(root: directory.url)
        let exited = try await LiveProcessRunner().run(Command("/bin/sh", ["-c", "echo $$"]))
        let deadPid = try #require(Int32(exited.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        try FileManager.default.createDirectory(at: town.runtimeDirectory, withIntermediateDirectories: true)
        try "\(deadPid)\n".write(to: DaemonPidFile.url(town), atomically: true, encoding: .utf8)
        #expect(DaemonPidFile.recordedPid(town) == deadPid)
        #expect(DaemonPidFile.runningPid(town) == nil)
        #expect(town.runningDaemonPID() == nil)
    }

    @Test func theLogWritesTimestampedLinesAndTheConsoleOutputGoesThere() throws {
        let directory = TemporaryDirectory("gw-daemon-log")
        let log = try DaemonLog(url: directory.path("daemon.log"))
        log.logger(level: .info).info("hello", metadata: ["turn": "4"])
        log.logger(level: .info).debug("not at info")
        DaemonLogOutput(log: log).line("[notify log] Gateway: two\nlines")
        let lines = DaemonLog.tail(log.url, lines: 10)
        #expect(lines.count == 3)
        #expect(lines[0].hasSuffix(" info hello turn=4"))
        #expect(lines[1].hasSuffix(" notice [notify log] Gateway: two"))
        #expect(lines[2].hasSuffix(" notice lines"))
        let stamp = try #require(lines[0].split(separator: " ").first)
        #expect(try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(String(stamp)).timeIntervalSinceNow > -60)
        #expect(DaemonLog.tail(log.url, lines: 1) == [lines[2]])
        #expect(DaemonLog.tail(directory.path("absent.log"), lines: 5).isEmpty)
    }

    /// Past its size limit the log moves to `.1` (and `.1` to `.2`; the oldest goes): no line of the
    /// kept generations is lost or split, and no file grows past the limit.
    @Test func theLogRotatesPastItsLimitKeepingTwoGenerations() throws {
        let directory = TemporaryDirectory("gw-daemon-log-rotation")
        let log = try DaemonLog(url: directory.path("daemon.log"), maxBytes: 2_000)
        for index in 0..<200 { log.append(level: .info, "line \(index)") }
        let files = [log.generation(2), log.generation(1), log.url]
        var lines: [String] = []
        for file in files {
            let size = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
            #expect(size <= 2_000, "\(file.lastPathComponent) is \(size) bytes")
            lines += DaemonLog.tail(file, lines: 1_000)
        }
        #expect(!FileSystem.exists(URL(fileURLWithPath: log.url.path + ".3")))
        let numbers = lines.compactMap { Int($0.split(separator: " ").last ?? "") }
        #expect(numbers.count == lines.count, "every line whole")
        #expect(numbers == Array((200 - numbers.count)..<200), "the newest lines, in order, none missing between generations")
        #expect(numbers.count > 40)
    }

    @Test func daemonSettingsReadTheirSectionAndReportBadValues() throws {
        let config = try GatewayConfig.parse("[daemon]\nhealth_check = \"5s\"\npoll = \"250ms\"\nstop_timeout = \"1m\"\n")
        #expect(config.daemon.healthCheck == .seconds(5))
        #expect(config.daemon.poll == .init(milliseconds: 250))
        #expect(config.daemon.stopTimeout == .minutes(1))
        #expect(config.daemon.beatRetry == .minutes(1))
        #expect(GatewayConfig().daemon == DaemonSettings())

        #expect(throws: ConfigFailure.self) { try GatewayConfig.parse("[daemon]\npoll = \"soon\"\n") }
        do {
            _ = try GatewayConfig.parse("[daemon]\n\nhealth_check = \"10ms\"\nrestart = true\n")
            Issue.record("expected a config failure")
        } catch {
            let text = error.description
            #expect(text.contains("gateway.toml:3"), "\(text)")
            #expect(text.contains("health_check"))
            #expect(text.contains("restart"))
        }
        // The template shows every [daemon] key, commented at its default.
        let template = TownTemplates.gatewayToml(name: "t")
        for key in ["health_check = \"30s\"", "poll = \"30s\"", "beat_retry = \"1m\"", "schedule_recheck = \"1m\"", "stop_timeout = \"30s\""] {
            #expect(template.contains("# \(key)"), "missing \(key)")
        }
    }
}

/// No value Gateway writes into a systemd unit can end its line and start a directive of its own.
@Suite struct DaemonUnitInjectionTests {
    @Test func aTownNameOrVariableWithALineBreakStaysOnItsLine() {
        let town = Town(root: URL(fileURLWithPath: "/srv/home"))
        let unit = DaemonUnit.make(town: town, townName: "home\nExecStartPre=/bin/touch /tmp/pwned", executable: "/usr/bin/gw",
                                   variables: ["HOME": "/home/ann", "PATH": "/usr/bin\nExecStartPost=/bin/touch /tmp/pwned\u{85}"], kind: .systemd)
        let lines = unit.text.split(separator: "\n").map(String.init)
        #expect(!lines.contains { $0.hasPrefix("ExecStartPre") || $0.hasPrefix("ExecStartPost") }, "\(unit.text)")
        #expect(lines.contains("Description=Gateway daemon for town home ExecStartPre=/bin/touch /tmp/pwned"))
        #expect(lines.contains(#"Environment="PATH=/usr/bin\x0aExecStartPost=/bin/touch /tmp/pwned\u0085""#))
        #expect(DaemonUnit.systemdQuote("a\tb") == #""a\x09b""#)
    }
}
