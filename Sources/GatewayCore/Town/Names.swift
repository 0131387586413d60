import Foundation

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

    /// A branch name read from somewhere Gateway does not control (another tool's clone) becomes a
    /// worktree's branch and appears in messages and tmux: plain letters, digits, `-`, `_`, `.` and `/`
    /// only, in the shape git accepts (no `..`, no empty part, no part starting with `.` or ending in
    /// `.lock`), at most 200 characters, never starting with `-`.
    public static func validateBranch(_ branch: String) throws {
        let allowed = branch.unicodeScalars.allSatisfy {
            (("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./".unicodeScalars.contains($0))
        }
        let parts = branch.split(separator: "/", omittingEmptySubsequences: false)
        let wellFormed = parts.allSatisfy { !$0.isEmpty && !$0.hasPrefix(".") && !$0.hasSuffix(".lock") && !$0.hasSuffix(".") }
        guard !branch.isEmpty, branch.count <= 200, allowed, wellFormed, !branch.contains(".."), !branch.hasPrefix("-"), branch != "HEAD" else {
            throw GatewayError.usage("is not a branch name Gateway takes over: use letters, digits, -, _, . and / (at most 200, in the shape git accepts)")
        }
    }
}
