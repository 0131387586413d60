/// A Claude Code hook event, by the name Claude gives it (`Stop`, `UserPromptSubmit`, …). The events
/// Gateway installs hooks for have cases; any other name an agent reports is kept as `other`, so it is
/// still recorded in the ledger exactly as it came.
public enum HookEventName: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    case sessionStart
    case userPromptSubmit
    case stop
    case stopFailure
    case preCompact
    case sessionEnd
    case permissionRequest
    case other(String)

    /// The events whose hooks Gateway installs, in the order its settings file lists them.
    public static let installed: [HookEventName] = [
        .sessionStart, .userPromptSubmit, .stop, .stopFailure, .preCompact, .sessionEnd, .permissionRequest,
    ]

    public init(rawValue: String) {
        self = Self.installed.first { $0.rawValue == rawValue } ?? .other(rawValue)
    }

    /// Claude's spelling: what the ledger stores and the hook output names.
    public var rawValue: String {
        switch self {
        case .sessionStart: "SessionStart"
        case .userPromptSubmit: "UserPromptSubmit"
        case .stop: "Stop"
        case .stopFailure: "StopFailure"
        case .preCompact: "PreCompact"
        case .sessionEnd: "SessionEnd"
        case .permissionRequest: "PermissionRequest"
        case .other(let name): name
        }
    }

    public var description: String { rawValue }
}
