import Foundation
import GatewayCore

/// What `gw polecat prune` did: worktrees removed, and those kept because removing them would lose work.
public struct PolecatPruneReport: Sendable, Equatable, Codable {
    public struct Refusal: Sendable, Equatable, Codable {
        public var polecat: String
        public var worktree: String
        /// What would be lost, one line each.
        public var wouldLose: [String]
    }

    public var removed: [String] = []
    public var refused: [Refusal] = []
}

extension PolecatSupervisor {
    /// Removes the worktrees of finished polecats whose branches hold nothing unmerged; the others are
    /// refused with what would be lost, unless `force` (then the worktree goes and an unmerged branch stays).
    public func prune(force: Bool) async throws -> PolecatPruneReport {
        try await reconcile(removeMerged: false)
        var report = PolecatPruneReport()
        for polecat in try await keptWorktrees(try openLedger()) {
            let problems = try await worktrees.wouldLose(polecat)
            if problems.isEmpty || force {
                try await worktrees.remove(polecat)
                report.removed.append(polecat.displayName)
            } else {
                report.refused.append(.init(polecat: polecat.displayName, worktree: polecat.worktree ?? "", wouldLose: problems))
            }
        }
        return report
    }

    /// The latest finished polecat of each worktree still on disk (names are reused; live ones are skipped).
    func keptWorktrees(_ ledger: Ledger) async throws -> [Polecat] {
        let all = try await ledger.polecats()
        let live = Set(all.filter { !$0.state.hasEnded }.compactMap(\.worktree))
        var latest: [String: Polecat] = [:]
        for polecat in all where polecat.state.hasEnded {
            guard let path = polecat.worktree, !live.contains(path), FileSystem.exists(URL(fileURLWithPath: path)) else { continue }
            latest[path] = polecat
        }
        return latest.values.sorted { $0.id < $1.id }
    }

    /// A done polecat's worktree goes once the commits it made are all in the default branch and the
    /// worktree is clean. One that made no commits stays for `gw polecat prune`.
    func removeMergedWorktrees(_ ledger: Ledger) async throws {
        for polecat in try await keptWorktrees(ledger) where polecat.state == .done && !(polecat.commits ?? "").isEmpty {
            guard try await worktrees.wouldLose(polecat).isEmpty else { continue }
            try await worktrees.remove(polecat)
            environment.logger.info("polecat \(polecat.displayName): branch \(polecat.branch ?? "-") is merged; its worktree was removed")
        }
    }
}
