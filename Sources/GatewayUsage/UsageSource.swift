/// What a turn was for, read from its `source`: the categories `gw usage --by source` reports and the
/// budgets cover.
public enum UsageSource: String, Sendable, CaseIterable, Comparable {
    case heartbeat
    case chat
    case sling
    case memoryFlush = "memory-flush"
    case manual
    /// A prompt someone typed into the agent's pane, no turn of Gateway's.
    case typed
    case other

    public init(turnSource: String?) {
        guard let source = turnSource else { self = .typed; return }
        let kind = source.split(separator: ":", maxSplits: 1).first.map(String.init) ?? source
        self = UsageSource(rawValue: kind) ?? .other
    }

    /// The budget scope its spending counts against beside the overall one, if any.
    public var scope: BudgetScope? {
        switch self {
        case .heartbeat: .heartbeat
        case .chat: .chat
        case .sling: .sling
        default: nil
        }
    }

    public static func < (left: UsageSource, right: UsageSource) -> Bool {
        allCases.firstIndex(of: left)! < allCases.firstIndex(of: right)!
    }
}
