import Foundation
import GatewayCore
import GatewayHeartbeat

/// The config the daemon runs with — gateway.toml and HEARTBEAT.md as last read without a problem —
/// read once at start and then only when they change (`ConfigService`). It is replaced whole: every
/// service reads `current` at the start of each round and keeps no copy, so after a reload no service
/// runs on the old settings while another has the new. A file whose new text has a problem is kept out:
/// the daemon goes on with what it had, and `troubles` says what is wrong, by file and line.
public final class DaemonConfig: @unchecked Sendable {
    /// One consistent view of both files.
    public struct Snapshot: Sendable {
        public var gateway: GatewayConfig
        /// HEARTBEAT.md as last read well, or why it never was since the daemon started.
        public var heartbeat: Result<HeartbeatDocument, GatewayError>
        /// 0 at start, one more for each reload that changed something.
        public var generation: Int

        public func heartbeatDocument() throws -> HeartbeatDocument { try heartbeat.get() }
    }

    /// A file whose text on disk is not in use because of what is wrong with it.
    public struct Trouble: Sendable, Equatable, Codable {
        public var file: String
        /// Each problem as `file:line: key: what is wrong`.
        public var problems: [String]
        /// Names this bad edit — its text, and the good text it would have replaced — so the owner is
        /// told of it once, and again only for another.
        public var edit: String
    }

    /// What one reload did.
    public struct Reload: Sendable, Equatable {
        /// Files whose new text is now in use.
        public var applied: [String] = []
        /// Bad edits not seen before.
        public var troubles: [Trouble] = []
        /// Files that had a problem and now read well (or went back to the text in use).
        public var cleared: [String] = []
    }

    public let town: Town
    private let lock = NSLock()
    private var snapshot: Snapshot
    /// The bytes behind each file's state, applied or kept out: a reload that finds them again does nothing.
    private var seen: [String: Data?]
    private var troublesByFile: [String: Trouble] = [:]

    /// Reads both files. gateway.toml must read well — a daemon never starts on a config it cannot
    /// read — while a bad HEARTBEAT.md is a trouble the heartbeat reports until it is fixed.
    public init(town: Town) throws {
        self.town = town
        guard let toml = Self.bytes(town.configFile) else {
            throw GatewayError("could not read \(town.configFile.path): restore it, or make a new town with `gw install`", exit: .config)
        }
        let gateway: GatewayConfig
        do throws(ConfigFailure) {
            gateway = try GatewayConfig.load(toml, file: Town.configFileName)
        } catch {
            throw error.gatewayError
        }
        let markdown = Self.bytes(town.heartbeatFile)
        let heartbeat = Self.heartbeat(markdown)
        snapshot = Snapshot(gateway: gateway, heartbeat: heartbeat.mapError { GatewayError($0.lines.joined(separator: "\n"), exit: .config) }, generation: 0)
        seen = [Town.configFileName: toml, HeartbeatDocument.fileName: markdown]
        if case .failure(let problems) = heartbeat {
            troublesByFile[HeartbeatDocument.fileName] = Self.trouble(HeartbeatDocument.fileName, problems.lines, markdown, generation: 0)
        }
    }

    /// A config that never changes: for a service run on its own (tests, tools).
    public init(fixed gateway: GatewayConfig, heartbeat: HeartbeatDocument = .missing, town: Town) {
        self.town = town
        snapshot = Snapshot(gateway: gateway, heartbeat: .success(heartbeat), generation: 0)
        seen = [:]
    }

    public var current: Snapshot { lock.withLock { snapshot } }

    /// What is wrong with the files on disk now, by file.
    public var troubles: [Trouble] { lock.withLock { troublesByFile.values.sorted { $0.file < $1.file } } }

    /// Reads both files again and takes in what changed and reads well; keeps out what does not.
    @discardableResult
    public func reload() -> Reload {
        let toml = Self.bytes(town.configFile)
        let markdown = Self.bytes(town.heartbeatFile)
        return lock.withLock {
            var outcome = Reload()
            var next = snapshot
            if seen[Town.configFileName] != .some(toml) {
                seen[Town.configFileName] = toml
                switch Self.gateway(toml) {
                case .success(let gateway):
                    if gateway != snapshot.gateway { outcome.applied.append(Town.configFileName) }
                    next.gateway = gateway
                    clear(Town.configFileName, into: &outcome)
                case .failure(let problems):
                    keepOut(Self.trouble(Town.configFileName, problems.lines, toml, generation: snapshot.generation), into: &outcome)
                }
            }
            if seen[HeartbeatDocument.fileName] != .some(markdown) {
                seen[HeartbeatDocument.fileName] = markdown
                switch Self.heartbeat(markdown) {
                case .success(let document):
                    if (try? snapshot.heartbeat.get()) != document { outcome.applied.append(HeartbeatDocument.fileName) }
                    next.heartbeat = .success(document)
                    clear(HeartbeatDocument.fileName, into: &outcome)
                case .failure(let problems):
                    keepOut(Self.trouble(HeartbeatDocument.fileName, problems.lines, markdown, generation: snapshot.generation), into: &outcome)
                }
            }
            if !outcome.applied.isEmpty {
                next.generation += 1
                snapshot = next
            }
            return outcome
        }
    }

    private func clear(_ file: String, into outcome: inout Reload) {
        if troublesByFile.removeValue(forKey: file) != nil { outcome.cleared.append(file) }
    }

    private func keepOut(_ trouble: Trouble, into outcome: inout Reload) {
        if troublesByFile[trouble.file]?.edit != trouble.edit { outcome.troubles.append(trouble) }
        troublesByFile[trouble.file] = trouble
    }

    static func bytes(_ url: URL) -> Data? { try? Data(contentsOf: url) }

    /// What is wrong with a file, one line per problem.
    struct Problems: Error, Sendable {
        var lines: [String]
        init(_ lines: [String]) { self.lines = lines }
    }

    /// gateway.toml's config, or its problems each as `gateway.toml:LINE: key: what is wrong`.
    static func gateway(_ data: Data?) -> Result<GatewayConfig, Problems> {
        guard let data else { return .failure(Problems(["\(Town.configFileName): cannot be read (it was removed or renamed): put it back"])) }
        do throws(ConfigFailure) {
            return .success(try GatewayConfig.load(data, file: Town.configFileName))
        } catch {
            return .failure(Problems(error.problems.map(\.description)))
        }
    }

    /// HEARTBEAT.md's document, or its problems each as `HEARTBEAT.md:LINE: what is wrong`. A missing
    /// file is no problem: the heartbeat then has nothing to do.
    static func heartbeat(_ data: Data?) -> Result<HeartbeatDocument, Problems> {
        guard let data else { return .success(.missing) }
        switch UTF8Text.decode(data) {
        case .success(let text):
            do throws(HeartbeatFileError) {
                return .success(try HeartbeatDocument.parse(text))
            } catch {
                return .failure(Problems(error.problems.map(\.description)))
            }
        case .failure(let invalid):
            return .failure(Problems(["\(HeartbeatDocument.fileName):\(invalid.line): \(invalid.message)"]))
        }
    }

    /// The bad edit's name: its text, and the generation it would have replaced, so the same mistake
    /// made again after a fix is a new edit.
    static func trouble(_ file: String, _ problems: [String], _ data: Data?, generation: Int) -> Trouble {
        let text = data.map { String(decoding: $0, as: UTF8.self) } ?? "(missing)"
        return Trouble(file: file, problems: problems, edit: "\(StableHash.shortHex(file + "\n" + text, length: 12))-\(generation)")
    }
}
