import Foundation
import GatewayCore
import GatewayHooks

/// What the hooks' git history says happened after a given time: the ledger's witness when the ledger
/// itself was lost. Every hook write is a commit; a heartbeat finding is an entry appended under
/// `## Heartbeat — TASK` in the Mayor's daily log (a beat whose tasks were all `HEARTBEAT_OK` leaves
/// no commit, so history shows the beats that found something, never fewer than ran).
struct HookHistory: Sendable {
    let environment: GatewayEnvironment
    let town: Town

    /// How many commits each checked-out hook has after `date`.
    func commitCounts(after date: Date) async -> [(agent: String, commits: Int)] {
        guard let hooks = try? await HookStore(environment: environment, town: town).list() else { return [] }
        var counts: [(String, Int)] = []
        for hook in hooks {
            let log = try? await environment.git.run(Command("git", ["log", "--format=%ct", "refs/heads/\(hook.branch)"], in: town.root))
            let count = (log ?? "").split(separator: "\n").compactMap { Double($0) }.filter { $0 > date.timeIntervalSince1970 }.count
            if count > 0 { counts.append((hook.agent, count)) }
        }
        return counts
    }

    /// The heartbeat tasks whose findings the Mayor's hook committed after `date`, with each commit's time.
    func heartbeatRuns(after date: Date) async -> [(task: String, at: Date)] {
        let branch = "refs/heads/\(HookBranches.branch(for: Hook.mayor))"
        guard let log = try? await environment.git.run(Command("git", ["log", "--format=%x1e%H %ct", "--name-only", branch, "--", "memory"], in: town.root))
        else { return [] }
        var runs: [(String, Date)] = []
        for record in log.split(separator: "\u{1e}") {
            let lines = record.split(separator: "\n").map(String.init)
            let head = lines.first?.split(separator: " ") ?? []
            guard head.count == 2, let seconds = Double(head[1]), seconds > date.timeIntervalSince1970 else { continue }
            let commit = String(head[0])
            for path in lines.dropFirst() where Self.isDailyLog(path) {
                let after = await file(path, at: commit)
                let before = await file(path, at: "\(commit)^")
                for task in Self.heartbeatSections(after) where Self.entries(after, task) > Self.entries(before, task) {
                    runs.append((task, Date(timeIntervalSince1970: seconds)))
                }
            }
        }
        return runs.sorted { $0.1 < $1.1 }
    }

    private func file(_ path: String, at revision: String) async -> String {
        (try? await environment.git.run(Command("git", ["show", "\(revision):\(path)"], in: town.root))) ?? ""
    }

    static func isDailyLog(_ path: String) -> Bool {
        path.range(of: #"^memory/(\d{4}-\d{2}/)?\d{4}-\d{2}-\d{2}\.md$"#, options: .regularExpression) != nil
    }

    static let sectionPrefix = "## Heartbeat — "

    static func heartbeatSections(_ text: String) -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix(sectionPrefix) }.map { String($0.dropFirst(sectionPrefix.count)) }
    }

    /// The entries (`- ` lines) under one task's heading.
    static func entries(_ text: String, _ task: String) -> Int {
        var inside = false
        var count = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { inside = line == "\(sectionPrefix)\(task)"; continue }
            if inside, line.hasPrefix("- ") { count += 1 }
        }
        return count
    }
}
