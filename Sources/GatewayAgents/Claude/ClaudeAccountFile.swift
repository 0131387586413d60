import Foundation
import GatewayCore

/// One edit Gateway makes to Claude Code's account file so that a start never stops at a dialog.
public enum ClaudeAccountEdit: Sendable, Equatable {
    /// `hasCompletedOnboarding = true`: without it the first-run screen tries to reach Anthropic.
    case completeOnboarding
    /// `projects[<absolute path>].hasTrustDialogAccepted = true`: no "Quick safety check" for it.
    case trustFolder(URL)
    /// Lists the key's last 20 characters in `customApiKeyResponses.approved`, so the "Detected a
    /// custom API key" question (whose default is No) is not asked.
    case approveAPIKey(String)
}

/// Claude Code's `.claude.json`. Claude rewrites this file itself while it runs, so every edit is a
/// read-modify-write that keeps every key Gateway does not know, replaces the file atomically, and
/// leaves the user's original beside it (`.claude.json.gw-backup`) before the first change.
/// Edit it only while no Claude process uses it, and re-read it afterwards rather than trusting a copy.
public struct ClaudeAccountFile: Sendable, Equatable {
    public let url: URL

    public init(url: URL) { self.url = url }

    /// The copy of the file as it was before Gateway first changed it.
    public var backupURL: URL { url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + ".gw-backup") }

    /// How much of an API key Claude remembers in `customApiKeyResponses`.
    public static func keySuffix(_ key: String) -> String { String(key.suffix(20)) }

    /// Applies the edits; writes only when something changes. Returns true when the file was written.
    @discardableResult
    public func apply(_ edits: [ClaudeAccountEdit]) throws -> Bool {
        // Polecats start side by side, each trusting its folder: one read-modify-write at a time, or
        // the last writer drops the others' folders. (Claude Code rewrites the file too, without this
        // lock; the trust dialog's explicit answer covers that.)
        try FileLock.withLock(URL(fileURLWithPath: url.path + ".gateway-lock")) { try applyUnlocked(edits) }
    }

    private func applyUnlocked(_ edits: [ClaudeAccountEdit]) throws -> Bool {
        let original = try readData()
        var root = try original.map { try parse($0) } ?? [:]
        var changed = false
        for edit in edits { changed = apply(edit, to: &root) || changed }
        guard changed else { return false }
        if let original, !FileSystem.exists(backupURL) {
            try FileSystem.writeAtomically(original, to: backupURL, permissions: 0o600)
        }
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw GatewayError("could not encode \(url.path) as JSON: \(error.localizedDescription)")
        }
        try FileSystem.writeAtomically(data + Data("\n".utf8), to: url, permissions: 0o600)
        return true
    }

    /// The file's top-level object as it is now (empty when the file does not exist).
    public func read() throws -> [String: Any] {
        guard let data = try readData() else { return [:] }
        return try parse(data)
    }

    private func apply(_ edit: ClaudeAccountEdit, to root: inout [String: Any]) -> Bool {
        switch edit {
        case .completeOnboarding:
            guard root["hasCompletedOnboarding"] as? Bool != true else { return false }
            root["hasCompletedOnboarding"] = true
            return true
        case .trustFolder(let folder):
            var projects = root["projects"] as? [String: Any] ?? [:]
            let path = folder.standardizedFileURL.path
            var entry = projects[path] as? [String: Any] ?? [:]
            guard entry["hasTrustDialogAccepted"] as? Bool != true else { return false }
            entry["hasTrustDialogAccepted"] = true
            projects[path] = entry
            root["projects"] = projects
            return true
        case .approveAPIKey(let key):
            let suffix = Self.keySuffix(key)
            var responses = root["customApiKeyResponses"] as? [String: Any] ?? [:]
            var approved = responses["approved"] as? [String] ?? []
            var rejected = responses["rejected"] as? [String] ?? []
            guard !approved.contains(suffix) || rejected.contains(suffix) else { return false }
            if !approved.contains(suffix) { approved.append(suffix) }
            rejected.removeAll { $0 == suffix }
            responses["approved"] = approved
            responses["rejected"] = rejected
            root["customApiKeyResponses"] = responses
            return true
        }
    }

    private func readData() throws -> Data? {
        guard FileSystem.exists(url) else { return nil }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw GatewayError("could not read Claude's account file \(url.path): \(error.localizedDescription)")
        }
    }

    private func parse(_ data: Data) throws -> [String: Any] {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any] else {
            throw GatewayError("""
                Claude's account file \(url.path) is not a JSON object, so Gateway left it untouched: \
                fix or remove it (Claude recreates it), then retry
                """)
        }
        return root
    }
}
