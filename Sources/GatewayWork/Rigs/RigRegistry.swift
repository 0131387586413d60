import Foundation
import GatewayCore

/// One rig as recorded in `rigs.json`.
public struct RigRecord: Codable, Sendable, Equatable {
    public var name: String
    public var source: String
    public var defaultBranch: String
    public var added: Date

    public init(name: String, source: String, defaultBranch: String, added: Date) {
        self.name = name
        self.source = source
        self.defaultBranch = defaultBranch
        self.added = added
    }
}

/// The machine-written list of rigs, `<town>/rigs.json`. `gateway.toml` belongs to the user and is
/// never rewritten; this file belongs to Gateway. Writes are atomic.
public struct RigRegistry: Sendable {
    let town: Town

    public init(town: Town) { self.town = town }

    struct File: Codable {
        var version = 1
        var rigs: [RigRecord]
    }

    public func load() throws -> [RigRecord] {
        guard FileSystem.exists(town.rigsFile) else { return [] }
        let data = try Data(contentsOf: town.rigsFile)
        do {
            return try Self.decoder.decode(File.self, from: data).rigs
        } catch {
            throw GatewayError("\(town.rigsFile.path) is damaged (\(error)): restore it with `git -C \(town.root.path) checkout -- rigs.json`")
        }
    }

    public func save(_ rigs: [RigRecord]) throws {
        let data = try Self.encoder.encode(File(rigs: rigs.sorted { $0.name < $1.name }))
        try FileSystem.writeAtomically(data + Data("\n".utf8), to: town.rigsFile)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
