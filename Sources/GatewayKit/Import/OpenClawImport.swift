import Foundation
import GatewayCore
import GatewayHooks
import GatewayMemory

/// `gw import openclaw`: an OpenClaw agent's workspace brought into the town — its memory (MEMORY.md
/// and every daily log) into the Mayor's hook, each day merged with one the town already has and never
/// overwritten; its standing instructions (SOUL.md, USER.md, IDENTITY.md, AGENTS.md, TOOLS.md) into a
/// marked section of the Mayor's CLAUDE.md, which Claude Code reads when the session starts; its
/// HEARTBEAT.md into the town when the town's is still the template. The source is only read. A second
/// import changes nothing. Everything for the hook lands in one commit.
public struct OpenClawImport: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    let config: GatewayConfig

    public init(environment: GatewayEnvironment, town: Town, config: GatewayConfig) {
        self.environment = environment
        self.town = town
        self.config = config
    }

    /// One thing the import does, or would do.
    public struct Item: Sendable, Codable, Equatable {
        /// memory, daily-log, instructions, heartbeat.
        public var kind: String
        public var source: String
        /// Relative to the Mayor's hook (or, for the heartbeat, to the town).
        public var target: String
        /// add, merge, replace or unchanged.
        public var action: String
    }

    /// A file the import could not read: named, and left out.
    public struct Skipped: Sendable, Codable, Equatable {
        public var source: String
        public var reason: String
    }

    public struct Plan: Sendable, Codable, Equatable {
        public var workspace: String
        public var items: [Item]
        public var skipped: [Skipped]
        public var notes: [String]
        /// The commit the import made in the Mayor's hook (nil for a dry run or when nothing changed).
        public var commit: String?
        /// The lines of gateway.toml set from openclaw.json (before: the line replaced, nil when added).
        public var config: [TOMLTextEdit.Change] = []
        /// Where gateway.toml was copied before it was edited.
        public var configBackup: String?

        public var changes: [Item] { items.filter { $0.action != "unchanged" } }
    }

    /// The largest file an import reads: a year of daily logs is far less; anything bigger is no note.
    static let fileLimit = 4 << 20
    static let instructionFiles = ["SOUL.md", "USER.md", "IDENTITY.md", "AGENTS.md", "TOOLS.md"]
    static let sectionBegin = "<!-- gateway: imported from OpenClaw (gw import openclaw); edit above or below, this part is replaced on the next import -->"
    static let sectionEnd = "<!-- gateway: end of the OpenClaw import -->"
    static let mergeHeading = "## Imported from OpenClaw"

    /// What the import would do, without changing anything. `configFile`: openclaw.json, if any.
    public func plan(workspace: URL, configFile: URL?) throws -> Plan {
        var plan = Plan(workspace: workspace.path, items: [], skipped: [], notes: [], commit: nil)
        _ = try edits(workspace: workspace, hook: town.mayorDirectory, plan: &plan)
        _ = try configText(configFile, plan: &plan)
        return plan
    }

    /// gateway.toml with openclaw.json's settings, or nil when nothing changes.
    func configText(_ configFile: URL?, plan: inout Plan) throws -> String? {
        guard let configFile, FileSystem.exists(configFile) else { return nil }
        let parsed: JSON5Value
        do {
            parsed = try JSON5.parse(try FileSystem.readText(configFile))
        } catch let error as JSON5Error {
            plan.skipped.append(Skipped(source: configFile.path, reason: "line \(error.line), column \(error.column): \(error.message)"))
            return nil
        } catch {
            plan.skipped.append(Skipped(source: configFile.path, reason: error.userMessage))
            return nil
        }
        var edit = TOMLTextEdit(try FileSystem.readText(town.configFile))
        let before = edit.text
        let (changes, notes) = OpenClawConfigImport(config: parsed, source: configFile).apply(to: &edit)
        plan.config = changes
        plan.notes += notes
        return edit.text == before ? nil : edit.text
    }

    /// Imports; returns what it did.
    public func run(workspace: URL, configFile: URL?) async throws -> Plan {
        var plan = Plan(workspace: workspace.path, items: [], skipped: [], notes: [], commit: nil)
        let heartbeat = try edits(workspace: workspace, hook: town.mayorDirectory, plan: &plan).heartbeat
        if let text = try configText(configFile, plan: &plan) {
            plan.configBackup = try writeConfig(text)
        }
        let hooks = HookStore(environment: environment, town: town, config: config)
        let hookChanges = plan.changes.filter { $0.kind != "heartbeat" }
        if !hookChanges.isEmpty {
            let written = try await hooks.write(Hook.mayor, message: "Import from OpenClaw (\(workspace.path)): \(hookChanges.count) file\(hookChanges.count == 1 ? "" : "s")") { worktree in
                // Worked out again under the hook's lock, on the worktree as it is now.
                var again = Plan(workspace: workspace.path, items: [], skipped: [], notes: [], commit: nil)
                let edits = try self.edits(workspace: workspace, hook: worktree, plan: &again)
                for (relative, text) in edits.hook { try FileSystem.writeAtomically(text, to: worktree.appendingPathComponent(relative)) }
                return edits.hook.map(\.relative)
            }
            plan.commit = written.commit
            if let pushError = written.pushError { plan.notes.append("the hook's push failed: \(pushError)") }
        }
        if let heartbeat { try FileSystem.writeAtomically(heartbeat, to: town.heartbeatFile) }
        return plan
    }

    /// The files to write — in the hook (relative path, new text) and the town's HEARTBEAT.md — with
    /// the plan's items, skipped files and notes filled in.
    func edits(workspace: URL, hook: URL, plan: inout Plan) throws -> (hook: [(relative: String, text: String)], heartbeat: String?) {
        guard FileSystem.isDirectory(workspace) else {
            throw GatewayError("\(workspace.path) is not a folder: give the OpenClaw home (default ~/.openclaw) or its workspace")
        }
        var writes: [(relative: String, text: String)] = []
        func read(_ url: URL) -> String? {
            let text: String
            do { text = try ImportedFile.read(url, within: workspace, limit: Self.fileLimit) } catch {
                plan.skipped.append(Skipped(source: url.path, reason: error.userMessage))
                return nil
            }
            // Stored text follows PlainText's rule: a NUL would make a daily log binary for git, an
            // escape sequence would reach the Mayor's terminal. Line endings alone are no news.
            let clean = PlainText.clean(text)
            if clean != text.replacingOccurrences(of: "\r\n", with: "\n") {
                plan.notes.append("\(url.path) held control or invisible characters (a NUL, an escape sequence…): imported without them")
            }
            return clean
        }
        // Memory: MEMORY.md and the daily logs, merged.
        let memory = workspace.appendingPathComponent("MEMORY.md")
        if FileSystem.exists(memory), let text = read(memory) {
            let (action, merged) = Self.merge(text, into: try existing(hook.appendingPathComponent(MemoryStore.curatedFile)))
            plan.items.append(Item(kind: "memory", source: memory.path, target: MemoryStore.curatedFile, action: action))
            if let merged { writes.append((MemoryStore.curatedFile, merged)) }
        }
        for (day, url) in try dailyLogs(in: workspace.appendingPathComponent("memory")) {
            guard let text = read(url) else { continue }
            let relative = existingDayPath(day, hook: hook) ?? "memory/\(day).md"
            let (action, merged) = Self.merge(text, into: try existing(hook.appendingPathComponent(relative)))
            plan.items.append(Item(kind: "daily-log", source: url.path, target: relative, action: action))
            if let merged { writes.append((relative, merged)) }
        }
        // Standing instructions: one marked section of CLAUDE.md, replaced as a whole.
        var parts: [String] = []
        var sources: [String] = []
        for name in Self.instructionFiles {
            let url = workspace.appendingPathComponent(name)
            guard FileSystem.exists(url), let text = read(url) else { continue }
            parts.append("## \(name)\n\n" + text.trimmingCharacters(in: .whitespacesAndNewlines))
            sources.append(name)
        }
        if !parts.isEmpty {
            let section = "\(Self.sectionBegin)\n# Standing instructions from OpenClaw\n\n" + parts.joined(separator: "\n\n") + "\n\(Self.sectionEnd)\n"
            let current = try existing(hook.appendingPathComponent("CLAUDE.md"))
            let updated = Self.replacingSection(section, in: current)
            let action = current == nil ? "add" : updated == current ? "unchanged" : "replace"
            plan.items.append(Item(kind: "instructions", source: sources.joined(separator: ", "), target: "CLAUDE.md", action: action))
            if action != "unchanged" { writes.append(("CLAUDE.md", updated)) }
        }
        // HEARTBEAT.md: taken when the town's is the template; otherwise the user merges by hand.
        var heartbeat: String?
        let source = workspace.appendingPathComponent("HEARTBEAT.md")
        if FileSystem.exists(source), let text = read(source) {
            let current = try existing(town.heartbeatFile)
            let action: String
            if current == text {
                action = "unchanged"
            } else if current == nil || current == TownTemplates.heartbeat {
                action = current == nil ? "add" : "replace"
                heartbeat = text
            } else {
                action = "unchanged"
                plan.notes.append("the town's HEARTBEAT.md has tasks of its own, so OpenClaw's was not copied over it: merge \(source.path) into \(town.heartbeatFile.path) by hand")
            }
            plan.items.append(Item(kind: "heartbeat", source: source.path, target: "HEARTBEAT.md", action: action))
        }
        if plan.items.isEmpty {
            plan.notes.append("\(workspace.path) holds none of MEMORY.md, memory/YYYY-MM-DD.md, \(Self.instructionFiles.joined(separator: ", ")) or HEARTBEAT.md: is it an OpenClaw workspace?")
        }
        return (writes, heartbeat)
    }

    /// Writes gateway.toml after copying it aside; puts the copy back when the new file does not load.
    func writeConfig(_ text: String) throws -> String {
        let stamp = UTCStamp.iso8601(environment.clock.now()).replacingOccurrences(of: ":", with: "")
        let backup = town.root.appendingPathComponent("\(Town.configFileName).before-import-\(stamp)")
        let original = try FileSystem.readText(town.configFile)
        try FileSystem.writeAtomically(original, to: backup)
        try FileSystem.writeAtomically(text, to: town.configFile)
        do {
            _ = try town.loadConfig()
        } catch {
            try FileSystem.writeAtomically(original, to: town.configFile)
            throw GatewayError("the settings from openclaw.json did not make a valid gateway.toml, so it was left as it was: \(error.userMessage)")
        }
        return backup.path
    }

    func existing(_ url: URL) throws -> String? {
        FileSystem.exists(url) ? try FileSystem.readText(url) : nil
    }

    /// The daily logs of an OpenClaw `memory/` folder, oldest first: files named `YYYY-MM-DD.md`.
    func dailyLogs(in folder: URL) throws -> [(day: String, url: URL)] {
        guard FileSystem.isDirectory(folder) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        return names.filter(Self.isDayFile).sorted().map { (String($0.dropLast(3)), folder.appendingPathComponent($0)) }
    }

    static func isDayFile(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1] == "md" else { return false }
        let day = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        return day.count == 3 && day[0].count == 4 && day[1].count == 2 && day[2].count == 2 && day.allSatisfy { $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    /// Where the hook already keeps `day`: `memory/DAY.md`, or its month's archive folder.
    func existingDayPath(_ day: String, hook: URL) -> String? {
        for relative in ["memory/\(day).md", "memory/\(day.prefix(7))/\(day).md"] where FileSystem.exists(hook.appendingPathComponent(relative)) {
            return relative
        }
        return nil
    }

    /// `text` merged into `current`: added when there is nothing yet, appended under a heading when the
    /// day exists with other words, unchanged when its words are already there (a second import).
    static func merge(_ text: String, into current: String?) -> (action: String, merged: String?) {
        let imported = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let current else { return ("add", imported + "\n") }
        if imported.isEmpty || current.contains(imported) { return ("unchanged", nil) }
        let base = current.hasSuffix("\n") ? current : current + "\n"
        return ("merge", base + "\n\(mergeHeading)\n\n" + imported + "\n")
    }

    /// `current` with its imported section replaced by `section` (or `section` added at the end).
    static func replacingSection(_ section: String, in current: String?) -> String {
        guard let current, !current.isEmpty else { return section }
        if let begin = current.range(of: sectionBegin), let end = current.range(of: sectionEnd, range: begin.upperBound..<current.endIndex) {
            var tail = current[end.upperBound...]
            if tail.hasPrefix("\n") { tail = tail.dropFirst() }
            return String(current[..<begin.lowerBound]) + section + tail
        }
        return (current.hasSuffix("\n") ? current : current + "\n") + "\n" + section
    }
}
