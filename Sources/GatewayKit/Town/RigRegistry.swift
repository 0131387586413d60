import Foundation

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

/// Names of rigs, crew and polecats become folders and branch names: keep them plain.
public enum Names {
    /// Folders in the town root that a rig may not take.
    public static let reserved: Set<String> = ["mayor", "formulas", "crew", "polecats", "hooks", "memory", "rigs.json", "gateway.toml", "HEARTBEAT.md"]

    public static func validate(_ name: String, kind: String) throws {
        let allowed = name.unicodeScalars.allSatisfy {
            (("a"..."z").contains($0) || ("A"..."Z").contains($0) || $0 == "-" || $0 == "_" || ("0"..."9").contains($0))
        }
        guard !name.isEmpty, name.count <= 64, allowed, let first = name.unicodeScalars.first,
              first != "-", first != "_"
        else {
            throw GatewayError.usage("\"\(name)\" is not a valid \(kind) name: use letters, digits, - and _ (at most 64, starting with a letter or digit)")
        }
        if reserved.contains(name) {
            throw GatewayError.usage("\"\(name)\" is reserved for the town's own use: choose another \(kind) name")
        }
    }
}
