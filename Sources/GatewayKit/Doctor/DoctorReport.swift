import Foundation

/// One thing `gw doctor` checked: how it stands and, unless it is fine, the command that fixes it.
/// No finding ever holds a secret's value — only the names of variables and files.
public struct DoctorFinding: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, Comparable {
        case ok, warning, problem

        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
        private var rank: Int { switch self { case .ok: 0; case .warning: 1; case .problem: 2 } }
    }

    public var check: String
    public var status: Status
    public var detail: String
    public var fix: String?

    public init(_ check: String, _ status: Status, _ detail: String, fix: String? = nil) {
        self.check = check
        self.status = status
        self.detail = detail
        self.fix = fix
    }

    static func ok(_ check: String, _ detail: String) -> DoctorFinding { .init(check, .ok, detail) }
}

/// Everything one `gw doctor` run found, and what `--repair` did.
public struct DoctorReport: Sendable, Equatable, Codable {
    public var town: String
    public var findings: [DoctorFinding]
    /// What `--repair` did, in order; empty without `--repair`.
    public var repairs: [String]

    public init(town: String, findings: [DoctorFinding], repairs: [String] = []) {
        self.town = town
        self.findings = findings
        self.repairs = repairs
    }

    /// The worst status found: a problem makes `gw doctor` exit non-zero.
    public var worst: DoctorFinding.Status { findings.map(\.status).max() ?? .ok }

    /// The report as text: one line per finding, the fix indented under it.
    public var text: String {
        var lines = repairs.map { "repaired: \($0)" }
        for finding in findings {
            lines.append("\(finding.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(finding.check): \(finding.detail)")
            if let fix = finding.fix { lines.append("         fix: \(fix)") }
        }
        let counts = [DoctorFinding.Status.problem, .warning].map { status in (status, findings.filter { $0.status == status }.count) }
        let summary = counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0.rawValue)\($0.1 == 1 ? "" : "s")" }
        lines.append(summary.isEmpty ? "all \(findings.count) checks ok" : summary.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
