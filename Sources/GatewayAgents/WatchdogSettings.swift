import Foundation
import GatewayCore

/// `[watchdog]`: what keeps an unattended agent from hanging. A dialog, a permission request or a silent
/// turn waiting `escalate_after` is sent to the owner once; a permission request nobody answers is
/// denied after `permission_timeout` (when no chat answers it); a running turn with no hook event, no
/// transcript growth and no CPU time for `stuck_after` is stuck, and its agent restarted.
public struct WatchdogSettings: Sendable, Equatable {
    public var escalateAfter: ConfigDuration = .minutes(5)
    public var permissionTimeout: ConfigDuration = .minutes(10)
    public var stuckAfter: ConfigDuration = .minutes(20)

    public init() {}

    public init(_ table: TableReader) {
        escalateAfter = table.duration("escalate_after", default: escalateAfter)
        permissionTimeout = table.duration("permission_timeout", default: permissionTimeout)
        stuckAfter = table.duration("stuck_after", default: stuckAfter)
        for (key, value) in [("escalate_after", escalateAfter), ("permission_timeout", permissionTimeout), ("stuck_after", stuckAfter)]
        where value.seconds < 1 || value.seconds > 7 * 86_400 {
            table.problem(key, "must be between 1s and 7d, not \(value)")
        }
        table.finish()
    }
}
