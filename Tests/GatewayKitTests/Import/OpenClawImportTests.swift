import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayMemory
import GatewayTestSupport

/// `gw import openclaw` on a generated OpenClaw home: the memory merged day by day (a day the town
/// already has keeps its words), the standing instructions in one marked section of the Mayor's
/// CLAUDE.md, HEARTBEAT.md over the template, a dry run that changes nothing, a second import that
/// changes nothing, an unreadable file named and skipped, the source never touched, and a search that
/// finds the imported days.
@Suite(.serialized) struct OpenClawImportTests {
    let source = TemporaryDirectory("gw-openclaw-home")
    static let days = (1...10).map { String(format: "2026-11-%02d", $0) }
    static let token = "7777777:SECRET-openclaw-bot-token"
    /// JSON5, as OpenClaw writes it: comments, unquoted keys, single quotes, trailing commas.
    static let config = """
        // OpenClaw
        {
          agents: {
            defaults: {
              workspace: '~/.openclaw/workspace',
              heartbeat: {
                every: "30m",
                activeHours: { start: "08:00", end: "22:00", timezone: 'Asia/Shanghai', },
                target: "telegram", to: 123456789, ackMaxChars: 200,
              },
            },
          },
          channels: { telegram: { botToken: "\(token)", dmPolicy: 'pairing', allowFrom: [123456789, "@someone"], }, },
        }
        """

    /// ~/.openclaw with a workspace holding every file OpenClaw keeps.
    func makeHome() throws -> URL {
        let workspace = source.url.appendingPathComponent(".openclaw/workspace")
        let memory = workspace.appendingPathComponent("memory")
        try FileManager.default.createDirectory(at: memory, withIntermediateDirectories: true)
        func write(_ text: String, _ relative: String) throws { try FileSystem.writeAtomically(text, to: workspace.appendingPathComponent(relative)) }
        try write("# Memory\n- The owner prefers short answers.\n", "MEMORY.md")
        for (index, day) in Self.days.enumerated() { try write("- \(day): worked on the lighthouse project, step \(index + 1)\n", "memory/\(day).md") }
        try write("not a day\n", "memory/notes.md")
        try write("Be calm and exact.\n", "SOUL.md")
        try write("The owner is called Ada.\n", "USER.md")
        try write("You are Clawd.\n", "IDENTITY.md")
        try write("Follow the house rules.\n", "AGENTS.md")
        try write("Use the tools with care.\n", "TOOLS.md")
        try write("tasks:\n  - name: inbox-triage\n    interval: 30m\n    prompt: \"Check the inbox\"\n", "HEARTBEAT.md")
        try FileSystem.writeAtomically(Self.config, to: source.url.appendingPathComponent(".openclaw/openclaw.json"))
        return source.url.appendingPathComponent(".openclaw")
    }

    func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)!
        for case let url as URL in walker where !FileSystem.isDirectory(url) {
            files[url.path] = try Data(contentsOf: url)
        }
        return files
    }

    @Test func importsMemoryInstructionsAndHeartbeatOnceAndLeavesTheSourceAlone() async throws {
        let home = try makeHome()
        let town = try await TestTown()
        defer { town.close() }
        // A day the town already has: its own words stay, OpenClaw's are added under a heading.
        _ = try await town.gwOK(["memory", "append", "--date", Self.days[2], "the town's own note of that day"])
        let before = try snapshot(home)

        let dry = try await town.gwOK(["import", "openclaw", home.path, "--dry-run", "--json"])
        let planned = try JSONDecoder().decode(OpenClawImport.Plan.self, from: Data(dry.utf8))
        #expect(planned.commit == nil)
        #expect(planned.items.filter { $0.kind == "daily-log" }.count == 10)
        #expect(planned.items.first { $0.target == "memory/\(Self.days[2]).md" }?.action == "merge")
        #expect(planned.items.first { $0.kind == "heartbeat" }?.action == "replace")
        #expect(!FileSystem.exists(town.town.mayorDirectory.appendingPathComponent("memory/\(Self.days[0]).md")), "a dry run changes nothing")
        #expect(try String(contentsOf: town.town.heartbeatFile, encoding: .utf8) == TownTemplates.heartbeat)
        #expect(planned.config.contains { $0.table == "heartbeat" && $0.after == #"every = "30m""# })
        let configBefore = try String(contentsOf: town.town.configFile, encoding: .utf8)

        let first = try await town.gwOK(["import", "openclaw", home.path, "--json"])
        let done = try JSONDecoder().decode(OpenClawImport.Plan.self, from: Data(first.utf8))
        #expect(done.commit != nil)
        let toml = try String(contentsOf: town.town.configFile, encoding: .utf8)
        #expect(toml.contains(#"active_hours = { start = "08:00", end = "22:00", timezone = "Asia/Shanghai" }"#))
        #expect(toml.contains("[notify.targets.telegram]") && toml.contains("chat_id = 123456789") && toml.contains(#"token_env = "TELEGRAM_BOT_TOKEN""#))
        #expect(toml.contains("[chat.telegram]") && toml.contains("allow = [123456789]") && toml.contains("ack_max_chars = 200"))
        #expect(toml.contains("# How often the Mayor is woken"), "the template's comments stay")
        #expect(try String(contentsOf: URL(fileURLWithPath: try #require(done.configBackup)), encoding: .utf8) == configBefore)
        #expect(done.notes.contains { $0.contains("TELEGRAM_BOT_TOKEN") } && done.notes.contains { $0.contains("not a numeric Telegram id") })
        #expect(done.notes.count == Set(done.notes).count, "each note once: \(done.notes)")
        let hook = town.town.mayorDirectory
        let merged = try String(contentsOf: hook.appendingPathComponent("memory/\(Self.days[2]).md"), encoding: .utf8)
        #expect(merged.contains("the town's own note of that day") && merged.contains("\(OpenClawImport.mergeHeading)\n\n- \(Self.days[2]): worked on the lighthouse project, step 3"))
        #expect(try String(contentsOf: hook.appendingPathComponent("memory/\(Self.days[9]).md"), encoding: .utf8) == "- \(Self.days[9]): worked on the lighthouse project, step 10\n")
        #expect(!FileSystem.exists(hook.appendingPathComponent("memory/notes.md")), "only day files are daily logs")
        let claude = try String(contentsOf: hook.appendingPathComponent("CLAUDE.md"), encoding: .utf8)
        #expect(claude.contains(OpenClawImport.sectionBegin) && claude.contains("## SOUL.md\n\nBe calm and exact.") && claude.contains("## TOOLS.md"))
        #expect(try String(contentsOf: hook.appendingPathComponent("MEMORY.md"), encoding: .utf8).contains("The owner prefers short answers."))
        #expect(try String(contentsOf: town.town.heartbeatFile, encoding: .utf8).hasPrefix("tasks:\n  - name: inbox-triage"))
        let log = try await shell("git log --format=%s -- memory CLAUDE.md MEMORY.md", in: hook)
        #expect(log.split(separator: "\n").filter { $0.hasPrefix("Import from OpenClaw") }.count == 1, "one commit in the hook: \(log)")

        let search = try await town.gwOK(["memory", "search", "lighthouse"])
        #expect(search.contains(Self.days[9]), "the index follows the import: \(search)")

        let second = try await town.gwOK(["import", "openclaw", home.path, "--json"])
        let again = try JSONDecoder().decode(OpenClawImport.Plan.self, from: Data(second.utf8))
        #expect(again.changes.isEmpty && again.commit == nil && again.config.isEmpty, "a second import changes nothing: \(again.changes) \(again.config)")
        #expect(try snapshot(home) == before, "the source is only read")
        let leaked = try await shell("grep -rl --binary-files=text 'SECRET-openclaw-bot-token' . || true", in: town.town.root)
        #expect(leaked.isEmpty, "the bot token is nowhere in the town: \(leaked)")
    }

    @Test func anUnreadableFileIsNamedAndTheRestGoesOn() async throws {
        let home = try makeHome()
        let broken = home.appendingPathComponent("workspace/memory/\(Self.days[4]).md")
        try Data([0x2D, 0x20, 0xFF, 0xFE, 0x0A]).write(to: broken)
        let town = try await TestTown()
        defer { town.close() }
        let output = try await town.gwOK(["import", "openclaw", home.path])
        #expect(output.contains("skipped") && output.contains(broken.path), "\(output)")
        #expect(FileSystem.exists(town.town.mayorDirectory.appendingPathComponent("memory/\(Self.days[5]).md")))
        #expect(!FileSystem.exists(town.town.mayorDirectory.appendingPathComponent("memory/\(Self.days[4]).md")))
    }

    @Test func aFolderThatIsNoWorkspaceIsRefusedWithTheFix() async throws {
        let town = try await TestTown()
        defer { town.close() }
        let empty = source.url.appendingPathComponent("nothing-here")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let result = try await town.gw(["import", "openclaw", empty.path])
        #expect(!result.succeeded && result.stderr.contains("no OpenClaw workspace found in \(empty.path)"))
    }
}
