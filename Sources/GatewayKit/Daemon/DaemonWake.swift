import Foundation
import GatewayCore

/// How a `gw` command wakes the running daemon early (`gw heartbeat now`): it writes a request file
/// under `.gateway/wake/`, and the daemon, which looks for it every `[daemon] poll`, takes it by
/// renaming it away — so a request written while the daemon handles the last one is never lost.
public struct DaemonWake: Sendable {
    /// What the request is for; the file's name.
    public let topic: String
    let directory: URL

    public init(town: Town, topic: String) {
        self.topic = topic
        directory = town.runtimeDirectory.appendingPathComponent("wake")
    }

    /// The heartbeat scheduler's wake-up: it runs a step at once.
    public static func heartbeat(_ town: Town) -> DaemonWake { DaemonWake(town: town, topic: "heartbeat") }

    var file: URL { directory.appendingPathComponent(topic) }

    /// Asks the daemon to wake; `note` (one line, like the task named) is kept for the daemon's log.
    public func request(note: String = "", at date: Date = Date()) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileSystem.writeAtomically("\(date.timeIntervalSince1970) \(note)\n", to: file)
    }

    /// Takes a pending request: its note, or nil when there is none. One rename when there is nothing
    /// to take — cheap enough to call every second.
    public func take() -> String? {
        // Only the daemon (one per town, by its lock) takes requests, so one fixed name serves.
        let taken = directory.appendingPathComponent(".\(topic).taken")
        guard rename(file.path, taken.path) == 0 else { return nil }
        // A leftover taken file is harmless: the next take renames over it.
        defer { try? FileManager.default.removeItem(at: taken) }
        let text = (try? String(contentsOf: taken, encoding: .utf8)) ?? ""
        return text.split(separator: " ", maxSplits: 1).dropFirst().first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    }
}
