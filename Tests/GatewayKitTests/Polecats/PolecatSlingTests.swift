import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork
import GatewayTestSupport

/// Slings on the terminal double with real git worktrees and real tmux on the town's socket.
@Suite(.serialized) struct PolecatSlingTests {
    @Test func aWaitedSlingFinishesWithItsResultOnTheHookAndReportsToTheMayor() async throws {
        let town = try await TestTown.withRig(rules: """
            [[rule]]
            match = "tidy the readme"
            reply = "Tidied the README."
            """)
        defer { town.close() }
        let supervisor = try town.supervisor
        let started = try await supervisor.sling(SlingRequest(rig: "app", text: "Please tidy the readme.", profile: "sim"))
        #expect(started.name == "furiosa")
        #expect(started.state == .working)
        let polecat = try await supervisor.wait(for: started.id, timeout: 120)

        #expect(polecat.state == .done, "\(polecat.error ?? "")")
        let branch = try #require(polecat.branch)
        #expect(branch.hasPrefix("polecat/furiosa-"))
        let result = try await town.hookFile("polecat-furiosa", "work/result.md")
        #expect(result.contains("Tidied the README."))
        #expect(result.contains("- branch: \(branch)"))
        #expect(try await town.hookFile("polecat-furiosa", "work/task.md").contains("Please tidy the readme."))

        let ledger = try town.ledger()
        let convoy = try #require(try await ledger.convoy(polecat.convoyId))
        #expect(convoy.kind == "sling")
        #expect(convoy.state == .closed)
        #expect(convoy.items.first?.state == .done)
        #expect(convoy.items.first?.result?.branch == "hooks/polecat-furiosa")
        #expect(convoy.items.first?.result?.commit == polecat.resultCommit)

        let report = try #require(try await ledger.nextQueuedTurn(agent: "mayor"), "the Mayor is not running: its report stays queued")
        #expect(report.source == "sling:\(polecat.convoyId)")
        #expect(report.text.contains("Polecat furiosa"))
        #expect(report.text.contains("done"))

        #expect(!(try await town.sessionExists("polecat-furiosa")), "the polecat's session ends with its work")
        let worktree = try #require(polecat.worktree)
        #expect(FileSystem.exists(URL(fileURLWithPath: worktree)), "the worktree stays until merged or pruned")
        await #expect(try shell("git rev-parse --abbrev-ref HEAD", in: URL(fileURLWithPath: worktree)) == "\(branch)\n")
    }

    @Test func slingsBeyondTheCapQueueAndAllComplete() async throws {
        let town = try await TestTown.withRig(rules: """
            [[rule]]
            match = "job"
            reply = "Job done."
            delay = "1s"
            """, polecats: "max = 2\nagent = \"sim\"")
        defer { town.close() }
        let supervisor = try town.supervisor
        var slung: [Polecat] = []
        for number in 1...3 { slung.append(try await supervisor.sling(SlingRequest(rig: "app", text: "job \(number)"))) }
        #expect(slung.map(\.state) == [.working, .working, .queued])
        #expect(slung.map(\.name) == ["furiosa", "nux", nil])

        let ended = try await withThrowingTaskGroup(of: Polecat.self) { group in
            for sling in slung { group.addTask { try await supervisor.wait(for: sling.id, timeout: 180) } }
            var all: [Polecat] = []
            for try await polecat in group { all.append(polecat) }
            return all.sorted { $0.id < $1.id }
        }
        #expect(ended.map(\.state) == [.done, .done, .done], "\(ended.compactMap(\.error))")
        #expect(ended[2].name != nil && ended[2].name != ended[0].name && ended[2].name != ended[1].name,
                "the third gets a free name: the others keep their worktrees")
        let ledger = try town.ledger()
        for polecat in ended {
            let convoy = try #require(try await ledger.convoy(polecat.convoyId))
            #expect(convoy.state == .closed)
            #expect(convoy.items.first?.state == .done)
            let agent = try #require(polecat.agent)
            #expect(try await town.hookFile(agent, "work/result.md").contains("Job done."))
        }
        let reports = try await ledger.recentTurns(agent: "mayor", limit: 10)
        #expect(reports.count == 3)
        #expect(Set(reports.map(\.source)) == Set(ended.map { "sling:\($0.convoyId)" }))
    }

    @Test func aCrashedPolecatFailsWithItsScreenSavedAndItsWorktreeKept() async throws {
        let town = try await TestTown.withRig(rules: """
            [[rule]]
            match = "boom"
            crash = true
            """)
        defer { town.close() }
        let supervisor = try town.supervisor
        let started = try await supervisor.sling(SlingRequest(rig: "app", text: "boom", profile: "sim"))
        let polecat = try await supervisor.wait(for: started.id, timeout: 120)

        #expect(polecat.state == .failed)
        #expect(polecat.error?.contains("died") == true, "\(polecat.error ?? "")")
        let screen = try await town.hookFile("polecat-furiosa", "work/last-screen.txt")
        #expect(screen.contains("boom"), "the pane's last screen shows the prompt it died on")
        #expect(FileSystem.exists(URL(fileURLWithPath: try #require(polecat.worktree))))
        let convoy = try #require(try await town.ledger().convoy(polecat.convoyId))
        #expect(convoy.items.first?.state == .failed)
        #expect(convoy.state == .closed)
        let agent = try #require(try await town.ledger().agent("polecat-furiosa"))
        #expect(agent.state != .running && agent.state != .starting, "a polecat is never restarted")
        #expect(!(try await town.sessionExists("polecat-furiosa")))
    }

    @Test func aFormulaSlingRendersItsVariables() async throws {
        let town = try await TestTown.withRig(rules: """
            [[rule]]
            match = "Write the changelog for release 2.5"
            reply = "Changelog written."
            """)
        defer { town.close() }
        try """
            formula = "changelog"
            description = "Write the changelog for release {{release}}."
            version = 1

            [vars.release]
            description = "The release."
            required = true

            [[steps]]
            id = "collect"
            title = "Collect the changes since {{since}}"

            [[steps]]
            id = "write"
            title = "Write the changelog for release {{release}}"
            needs = ["collect"]

            [vars.since]
            description = "The previous release."
            default = "2.4"
            """.write(to: town.town.formulasDirectory.appendingPathComponent("changelog.toml"), atomically: true, encoding: .utf8)
        let supervisor = try town.supervisor
        let started = try await supervisor.sling(SlingRequest(rig: "app", formula: "changelog", variables: ["release": "2.5"], profile: "sim"))
        #expect(started.title == "formula changelog")
        let polecat = try await supervisor.wait(for: started.id, timeout: 120)
        #expect(polecat.state == .done, "\(polecat.error ?? "")")
        let turnId = try #require(polecat.turnId)
        let turn = try #require(try await town.ledger().turn(turnId))
        #expect(turn.text.contains("Write the changelog for release 2.5"))
        #expect(turn.text.contains("Collect the changes since 2.4"))
        #expect(turn.reply == "Changelog written.")

        await #expect(throws: GatewayError.self) {
            _ = try await supervisor.sling(SlingRequest(rig: "app", formula: "changelog", profile: "sim"))
        }
    }

    @Test func pruneRefusesUnmergedWorkAndRemovesMergedWorktrees() async throws {
        let town = try await TestTown.withRig(rules: "")
        defer { town.close() }
        let supervisor = try town.supervisor
        let first = try await supervisor.wait(for: try await supervisor.sling(SlingRequest(rig: "app", text: "first", profile: "sim")).id, timeout: 120)
        let second = try await supervisor.wait(for: try await supervisor.sling(SlingRequest(rig: "app", text: "second", profile: "sim")).id, timeout: 120)
        #expect([first.state, second.state] == [.done, .done])
        #expect([first.name, second.name] == ["furiosa", "nux"], "a kept worktree keeps its name taken")
        let firstTree = URL(fileURLWithPath: try #require(first.worktree))
        let secondTree = URL(fileURLWithPath: try #require(second.worktree))
        _ = try await shell("git config user.email t@example.com && git config user.name Test && echo fix > fix.txt && git add fix.txt && git commit -qm 'Fix the thing'", in: firstTree)

        let refused = try await supervisor.prune(force: false)
        #expect(refused.removed == ["nux"], "no commits beyond main: nothing to lose")
        #expect(refused.refused.map(\.polecat) == ["furiosa"])
        #expect(refused.refused.first?.wouldLose.joined().contains("Fix the thing") == true)
        #expect(FileSystem.exists(firstTree))
        #expect(!FileSystem.exists(secondTree))

        let branch = try #require(first.branch)
        _ = try await shell("git update-ref refs/heads/main refs/heads/\(branch)", in: town.bareRepository)
        let merged = try await supervisor.prune(force: false)
        #expect(merged.removed == ["furiosa"])
        #expect(merged.refused.isEmpty)
        #expect(!FileSystem.exists(firstTree))
        await #expect(try shell("git log -1 --format=%s main", in: town.bareRepository) == "Fix the thing\n", "the merged work is in main")
    }

    @Test func commitsMadeDuringTheTurnAreReportedAndAMergedWorktreeGoesByItself() async throws {
        // The answer is held until the gate exists: the turn runs until the test has committed in it.
        let gate = FileManager.default.temporaryDirectory.appendingPathComponent("gw-slow-gate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: gate) }
        let town = try await TestTown.withRig(rules: """
            [[rule]]
            match = "edit slowly"
            reply = "Edited."
            hold_until = "\(gate.path)"
            delay = "1s"
            """)
        defer { town.close() }
        let supervisor = try town.supervisor
        let started = try await supervisor.sling(SlingRequest(rig: "app", text: "edit slowly", profile: "sim"))
        let worktree = URL(fileURLWithPath: try #require(started.worktree))
        // What the agent would do with its own tools: commit on its branch while the turn runs.
        _ = try await shell("git -c user.email=p@example.com -c user.name=Polecat commit -q --allow-empty -m 'Edit the config'", in: worktree)
        try Data().write(to: gate)
        let polecat = try await supervisor.wait(for: started.id, timeout: 120)
        #expect(polecat.state == .done, "\(polecat.error ?? "")")
        #expect(polecat.commits?.contains("Edit the config") == true)
        #expect(try await town.hookFile("polecat-furiosa", "work/result.md").contains("Edit the config"))

        try await supervisor.reconcile()
        #expect(FileSystem.exists(worktree), "not merged yet: the worktree stays")
        let branch = try #require(polecat.branch)
        _ = try await shell("git update-ref refs/heads/main refs/heads/\(branch)", in: town.bareRepository)
        try await supervisor.reconcile()
        #expect(!FileSystem.exists(worktree), "merged into main: the worktree goes")
        await #expect((try? shell("git rev-parse --verify --quiet refs/heads/\(branch)", in: town.bareRepository)) == nil, "and its merged branch")
    }
}
