import Foundation
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork
import GatewayTestSupport

extension TestTown {
    /// A town with one rig `app` (a real git project) whose Mayor and polecats run gw-agent-sim, the
    /// terminal double, answering from `rules`; `polecats` is more `[polecats]` settings. Polecats commit
    /// in their worktrees, so the town's HOME gets a git identity.
    static func withRig(rules: String, polecats: String = "") async throws -> TestTown {
        let town = try await TestTown(.sim(rules: rules), config: "[mayor]\nsubmit_timeout = \"5s\"", "[polecats]\n\(polecats)")
        try "[user]\n\tname = Polecat Test\n\temail = polecat@example.com\n"
            .write(to: town.home.appendingPathComponent(".gitconfig"), atomically: true, encoding: .utf8)
        let project = try await makeProject(in: town.directory.url)
        _ = try await RigManager(environment: town.environment, town: town.town).add(name: "app", source: project.path)
        return town
    }

    var supervisor: PolecatSupervisor { get throws { PolecatSupervisor(environment: environment, town: town, config: try config) } }
    var bareRepository: URL { town.rigRepository("app") }

    /// A file on a hook branch of the town repo, read with git (not from the worktree).
    func hookFile(_ agent: String, _ path: String) async throws -> String {
        try await shell("git show hooks/\(agent):\(path)", in: town.root)
    }
}
