import Foundation

/// Everything `gateway.toml` says, decoded once at the edge into plain values with defaults.
/// Each section reads itself from a `TableReader`; later features add sections here.
public struct GatewayConfig: Sendable, Equatable {
    public var town: TownSettings = .init()
    public var mayor: MayorSettings = .init()
    public var heartbeat: HeartbeatSettings = .init()
    public var hooks: HooksSettings = .init()
    public var memory: MemorySettings = .init()

    public init() {}

    public static let fileName = "gateway.toml"

    /// Reads and validates a config file; throws every problem found, each with file, line and key.
    public static func load(from url: URL) throws(ConfigFailure) -> GatewayConfig {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigFailure([ConfigProblem(file: url.lastPathComponent, line: nil, key: nil,
                                               message: "cannot be read (\(error.localizedDescription))")])
        }
        return try parse(text, file: url.lastPathComponent)
    }

    public static func parse(_ text: String, file: String = fileName) throws(ConfigFailure) -> GatewayConfig {
        let root = try TOMLNode.parse(text, file: file)
        let reader = TableReader(root: root, file: file, source: text)
        var config = GatewayConfig()
        if let table = reader.table("town") { config.town = TownSettings(table) }
        if let table = reader.table("mayor") { config.mayor = MayorSettings(table) }
        if let table = reader.table("heartbeat") { config.heartbeat = HeartbeatSettings(table) }
        if let table = reader.table("hooks") { config.hooks = HooksSettings(table) }
        if let table = reader.table("memory") { config.memory = MemorySettings(table) }
        reader.finish()
        guard reader.problems.isEmpty else { throw ConfigFailure(reader.problems) }
        return config
    }
}

public struct TownSettings: Sendable, Equatable {
    /// A display name; the folder name when empty.
    public var name: String = ""

    public init() {}

    init(_ table: TableReader) {
        name = table.string("name", default: "")
        table.finish()
    }
}

public struct MayorSettings: Sendable, Equatable {
    /// The agent profile the Mayor runs.
    public var agent: String = "claude"

    public init() {}

    init(_ table: TableReader) {
        agent = table.string("agent", default: agent)
        if agent.isEmpty { table.problem("agent", "must name an agent profile, like \"claude\"") }
        table.finish()
    }
}

/// The wall-clock window in which beats may run. `end` before `start` means overnight.
public struct ActiveHours: Sendable, Equatable {
    public var start: ClockTime
    public var end: ClockTime
    /// nil means the system's zone.
    public var timeZone: TimeZone?

    public init(start: ClockTime, end: ClockTime, timeZone: TimeZone? = nil) {
        self.start = start
        self.end = end
        self.timeZone = timeZone
    }
}

public struct HeartbeatSettings: Sendable, Equatable {
    /// nil when the heartbeat is off.
    public var every: ConfigDuration? = .minutes(30)
    /// nil means always active.
    public var activeHours: ActiveHours?

    public init() {}

    init(_ table: TableReader) {
        every = table.duration("every", default: every, allowOff: true, minimum: .seconds(1))
        if let hours = table.table("active_hours") {
            let start = hours.clockTime("start")
            let end = hours.clockTime("end")
            let zone = hours.timeZone("timezone")
            if !hours.contains("start") { hours.problem("start", "is required, like start = \"08:00\"") }
            if !hours.contains("end") { hours.problem("end", "is required, like end = \"23:00\"") }
            if let start, let end {
                if start == end { hours.problem("end", "equals start: the window would be empty; remove active_hours to be always active") }
                activeHours = ActiveHours(start: start, end: end, timeZone: zone)
            }
            hours.finish()
        }
        table.finish()
    }
}
