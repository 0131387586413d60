import Foundation
import GatewayCore

/// What the running daemon says of its config, for `gw daemon status`: `.gateway/daemon-config.json`,
/// rewritten when a reload changes something or a bad edit is kept out. Read only while the daemon
/// runs; a killed daemon's file is simply stale.
public struct DaemonConfigReport: Sendable, Codable, Equatable {
    /// How many reloads changed it since the daemon started.
    public var generation: Int
    /// Files whose text on disk is not in use, and why — each problem as `file:line: key: what is wrong`.
    public var troubles: [DaemonConfig.Trouble]

    public static func file(for town: Town) -> URL { town.runtimeDirectory.appendingPathComponent("daemon-config.json") }

    func write(_ town: Town) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try FileSystem.writeAtomically(String(decoding: try encoder.encode(self), as: UTF8.self), to: Self.file(for: town))
    }

    static func read(_ town: Town) -> DaemonConfigReport? {
        guard let data = FileManager.default.contents(atPath: file(for: town).path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(DaemonConfigReport.self, from: data)
    }
}
