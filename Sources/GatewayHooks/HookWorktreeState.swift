import Foundation

/// What `git status --porcelain=v2 --branch` says of a hook's worktree: the commit HEAD points at and
/// what is uncommitted. One git call answers both, so a write learns its commit's parent for free.
struct HookWorktreeState: Sendable, Equatable {
    /// HEAD's commit; nil while the branch has none.
    var head: String?
    /// Uncommitted paths as `git status --porcelain` shows them: a rename as `old -> new`.
    var uncommitted: [String]

    /// Reads git's porcelain v2 lines (without -z: paths quoted as in v1).
    static func parse(_ output: String) -> HookWorktreeState {
        var state = HookWorktreeState(head: nil, uncommitted: [])
        for line in output.split(separator: "\n") {
            // "1 XY sub mH mI mW hH hI path", "2 … Xscore path<TAB>orig", "u … h1 h2 h3 path", "? path".
            switch line.first {
            case "#":
                let oid = line.split(separator: " ", maxSplits: 2)
                if oid.count == 3, oid[1] == "branch.oid", oid[2] != "(initial)" { state.head = String(oid[2]) }
            case "1": state.uncommitted.append(field(line, after: 8))
            case "2":
                let paths = field(line, after: 9).split(separator: "\t", maxSplits: 1)
                state.uncommitted.append(paths.count == 2 ? "\(paths[1]) -> \(paths[0])" : String(paths.first ?? ""))
            case "u": state.uncommitted.append(field(line, after: 10))
            case "?": state.uncommitted.append(String(line.dropFirst(2)))
            default: continue
            }
        }
        return state
    }

    /// What follows the first `count` space-separated fields: the path, spaces and all.
    private static func field(_ line: Substring, after count: Int) -> String {
        let parts = line.split(separator: " ", maxSplits: count, omittingEmptySubsequences: false)
        return parts.count > count ? String(parts[count]) : ""
    }
}
