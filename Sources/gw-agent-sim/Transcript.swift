import SimKit
import Foundation

/// The session transcript, in Claude Code's place and shape:
/// `<CLAUDE_CONFIG_DIR or ~/.claude>/projects/<cwd, every non-alphanumeric as '-'>/<session-id>.jsonl`,
/// one JSON object per line. Records chain by `uuid`/`parentUuid`, as Claude Code's do.
final class Transcript {
    let url: URL
    let sessionID: String
    let cwd: String
    let version: String
    /// Omits the newer fields (`promptId`) when imitating an old version.
    let oldVersion: Bool
    private(set) var lastUUID: String?

    init(directory: URL, sessionID: String, cwd: String, version: String, oldVersion: Bool) {
        url = directory.appendingPathComponent("\(sessionID).jsonl")
        self.sessionID = sessionID
        self.cwd = cwd
        self.version = version
        self.oldVersion = oldVersion
    }

    /// The folder Claude Code keeps a cwd's transcripts in. Claude Code replaces each UTF-16 unit that is
    /// not an ASCII letter or digit, so one Chinese character becomes one '-'.
    static func projectDirectory(cwd: String, environment: [String: String]) -> URL {
        let root: URL
        if let configured = environment["CLAUDE_CONFIG_DIR"], !configured.isEmpty {
            root = URL(fileURLWithPath: configured)
        } else {
            root = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".claude")
        }
        let name = String(cwd.utf16.map { unit -> Character in
            let isAlphanumeric = (48...57).contains(unit) || (65...90).contains(unit) || (97...122).contains(unit)
            return isAlphanumeric ? Character(Unicode.Scalar(UInt8(unit))) : "-"
        })
        return root.appendingPathComponent("projects").appendingPathComponent(name)
    }

    var exists: Bool { FileManager.default.fileExists(atPath: url.path) }

    /// Fields every chained record carries.
    private func envelope(type: String) -> [String: Any] {
        let uuid = UUID().uuidString.lowercased()
        let record: [String: Any] = [
            "type": type, "uuid": uuid, "parentUuid": lastUUID ?? NSNull(), "sessionId": sessionID,
            "timestamp": Self.timestamp(), "isSidechain": false, "userType": "external", "cwd": cwd,
            "version": version, "gitBranch": "",
        ]
        lastUUID = uuid
        return record
    }

    /// A user record. `source` is Claude Code's `promptSource`: `typed`, or `queued` for a prompt entered
    /// while the previous turn ran; nil for records that are not prompts (interruptions, hook feedback).
    func user(_ text: String, promptID: String, source: String? = nil, permissionMode: String? = nil, meta: Bool = false, extra: [String: Any] = [:]) {
        var record = envelope(type: "user")
        record["message"] = ["role": "user", "content": text]
        if meta { record["isMeta"] = true }
        if !oldVersion {
            record["promptId"] = promptID
            if let source {
                record["origin"] = ["kind": "human"]
                record["promptSource"] = source
            }
            if let permissionMode { record["permissionMode"] = permissionMode }
        }
        record.merge(extra) { _, new in new }
        append(record)
    }

    /// An assistant message; `usage` lets a reader follow how full the context is.
    func assistant(_ text: String, inputTokens: Int, outputTokens: Int, model: String, apiError: Bool = false) {
        var record = envelope(type: "assistant")
        record["requestId"] = "req_sim_\(UUID().uuidString.prefix(12).lowercased())"
        record["message"] = [
            "id": "msg_sim_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased())",
            "type": "message", "role": "assistant", "model": apiError ? "<synthetic>" : model,
            "content": [["type": "text", "text": text]],
            "stop_reason": apiError ? "stop_sequence" : "end_turn", "stop_sequence": NSNull(),
            "usage": ["input_tokens": inputTokens, "output_tokens": outputTokens,
                      "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0],
        ] as [String: Any]
        if apiError { record["isApiErrorMessage"] = true }
        append(record)
    }

    /// Context a hook added (SessionStart / UserPromptSubmit stdout), as an `attachment` record.
    func hookContext(_ text: String, event: String, hookName: String) {
        var record = envelope(type: "attachment")
        record["attachment"] = ["type": "hook_additional_context", "content": [text], "hookName": hookName, "hookEvent": event] as [String: Any]
        append(record)
    }

    func system(subtype: String, fields: [String: Any]) {
        var record = envelope(type: "system")
        record["subtype"] = subtype
        record["isMeta"] = false
        record.merge(fields) { _, new in new }
        append(record)
    }

    /// Unchained bookkeeping records (`last-prompt`, `permission-mode`, …), as Claude Code writes them.
    func note(type: String, fields: [String: Any]) {
        var record: [String: Any] = ["type": type, "sessionId": sessionID]
        record.merge(fields) { _, new in new }
        append(record)
    }

    private func append(_ record: [String: Any]) {
        guard var data = try? JSONSerialization.data(withJSONObject: record, options: [.withoutEscapingSlashes]) else {
            report("a \(record["type"] ?? "?") record could not be encoded as JSON")
            return
        }
        data.append(0x0A)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            report("could not create \(url.deletingLastPathComponent().path): \(error)")
            return
        }
        // O_APPEND: each record lands whole at the end, even with a reader tailing the file.
        let descriptor = open(url.path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard descriptor >= 0 else {
            report("could not open \(url.path): \(String(cString: strerror(errno)))")
            return
        }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written != data.count { report("short write to \(url.path)") }
    }

    private func report(_ problem: String) {
        FileHandle.standardError.write(Data("gw-agent-sim: transcript: \(problem)\n".utf8))
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }

    // MARK: resume

    /// One exchange read back from a transcript for `--resume`.
    enum Entry { case user(String), assistant(String) }

    /// Reads the prompts and replies back, skipping meta records, tool results and unknown types, and
    /// remembers the last uuid so new records continue the chain.
    func load() -> [Entry] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        var entries: [Entry] = []
        for line in data.split(separator: 0x0A) {
            guard let record = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else { continue }
            if let uuid = record["uuid"] as? String { lastUUID = uuid }
            guard record["isMeta"] as? Bool != true, let message = record["message"] as? [String: Any] else { continue }
            let text = Self.text(of: message["content"])
            switch record["type"] as? String {
            case "user" where !text.isEmpty && record["isCompactSummary"] as? Bool != true: entries.append(.user(text))
            case "assistant" where !text.isEmpty: entries.append(.assistant(text))
            default: continue
            }
        }
        return entries
    }

    static func text(of content: Any?) -> String {
        if let text = content as? String { return text }
        let blocks = content as? [[String: Any]] ?? []
        return blocks.filter { $0["type"] as? String == "text" }.compactMap { $0["text"] as? String }.joined(separator: "\n")
    }
}
