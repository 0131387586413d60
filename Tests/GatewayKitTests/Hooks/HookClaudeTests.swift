import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHooks
import GatewayTestSupport

/// The real Claude Code committing in the Mayor's hook with its own Bash tool while Gateway writes to
/// the same hook: neither side's git fails for the other's lock, and both changes are kept.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun(), "needs GW_CLAUDE_BIN (scripts/test sets it)"))
struct HookClaudeTests {
    /// Files the Bash commands leave outside the hook, so the test can see each step.
    struct Signals {
        let directory: URL
        func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
        func exists(_ name: String) -> Bool { FileSystem.exists(url(name)) }
        func text(_ name: String) -> String? {
            (try? String(contentsOf: url(name), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    static func rules(_ signals: Signals) -> String {
        let d = signals.directory.path
        // First turn: Claude's `git commit` holds the hook's index while its editor waits for `release`.
        // Second turn: Claude stages and commits while Gateway (played by the test) holds the hook.
        return """
            [[rule]]
            match = "commit the first note"
            [[rule.step]]
            tools = [{ name = "Bash", input = { command = "command -v git > \(d)/which-git; echo from-claude > claude-note.md && git add claude-note.md && GIT_EDITOR=\(d)/editor.sh git commit 2> \(d)/first-stderr; echo $? > \(d)/first-status" } }]
            [[rule.step]]
            reply = "Committed the first note."

            [[rule]]
            match = "commit the second note"
            [[rule.step]]
            tools = [{ name = "Bash", input = { command = "touch \(d)/second-started; echo again > claude-second.md && git add claude-second.md && git commit -q -F \(d)/second-message 2> \(d)/second-stderr; echo $? > \(d)/second-status" } }]
            [[rule.step]]
            reply = "Committed the second note."
            """
    }

    @Test func hookPutWhileClaudeCommitsInTheSameWorktreeKeepsBoth() async throws {
        let claude = try RealClaude.requireBinary()
        let scratch = TemporaryDirectory("gw-hook-claude")
        let signals = Signals(directory: scratch.url)
        let editor = signals.url("editor.sh")
        try """
            #!/bin/sh
            touch \(signals.url("editor-started").path)
            while [ ! -e \(signals.url("release").path) ]; do sleep 0.05; done
            echo "Claude's first note" > "$1"
            """.write(to: editor, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
        try "Claude's second note\n".write(to: signals.url("second-message"), atomically: true, encoding: .utf8)

        let town = try await TestTown(.claude(claude, rules: Self.rules(signals)), config: TestTown.quickMayor, agentArgs: ["--allowedTools", "Bash"])
        defer { town.close() }
        // The Mayor's HOME has no git identity; a person's town repo would have one.
        _ = try await shell("git config user.name 'Town Owner' && git config user.email owner@example.com", in: town.town.root)
        try await town.gwOK(["mayor", "start"])
        let hooks = HookStore(environment: town.environment, town: town.town)

        // 1. Claude's commit is open (its editor waits); `gw hook put` waits for it, then lands.
        try await town.gwOK(["mayor", "send", "commit the first note"])
        try await town.wait("Claude's git commit to open its editor", timeout: 120) {
            if let status = signals.text("first-status") { throw GatewayError("Claude's git commit exited \(status): \(signals.text("first-stderr") ?? "")") }
            return signals.exists("editor-started") ? true : nil
        }
        let gw = try builtProduct("gw").path
        let put = try BackgroundProcess(["/bin/sh", "-c", "echo from-gateway | '\(gw)' hook put mayor - --name gateway.md --town '\(town.town.root.path)'; echo $? > '\(signals.url("put-status").path)'"],
                                        outputFile: signals.url("put-output"))
        defer { put.stop() }
        // The kernel shows the put blocked on the hook's lock, which Claude's git holds until `release`:
        // it has provably not written. (Its status file appearing first is the failure, seen at once.)
        let lockFile = hooks.lockFile(for: "mayor")
        try await town.wait("the put to block on the hook's lock, or to finish", timeout: 240) { () -> Bool? in
            try KernelFacts.flockWaiters(on: lockFile).contains { $0.contains("hook put mayor") } || signals.exists("put-status") ? true : nil
        }
        #expect(!signals.exists("put-status"), "the put should wait while Claude's git holds the hook")
        try Data().write(to: signals.url("release"))
        try await town.wait("Claude's commit and Gateway's put", timeout: 60) {
            signals.text("first-status") != nil && signals.text("put-status") != nil ? true : nil
        }
        #expect(signals.text("which-git") == AgentGit(town: town.town).script.path, "Claude's Bash tool runs the agents' git")
        #expect(signals.text("first-status") == "0", "\(signals.text("first-stderr") ?? "")")
        #expect(signals.text("put-status") == "0", "\(signals.text("put-output") ?? "")")

        // The turn's Stop hook writes to the hook too (the session's memory): let it finish first.
        try await town.wait("the first turn to end", timeout: 60) { try await town.status().state == "idle" ? true : nil }

        // 2. Gateway holds the hook mid-commit (its flock and git's index.lock) while Claude stages and
        // commits: Claude's git waits instead of failing on index.lock.
        let indexLock = await URL(fileURLWithPath: try shell("git rev-parse --path-format=absolute --git-path index.lock", in: town.town.mayorDirectory)
            .trimmingCharacters(in: .whitespacesAndNewlines))
        let held = try HeldLock(hooks.lockFile(for: "mayor"))
        try Data().write(to: indexLock)
        try await town.gwOK(["mayor", "send", "commit the second note"])
        try await town.wait("Claude's second Bash command", timeout: 120) { signals.exists("second-started") ? true : nil }
        // The agents' git (flock(1) running `git add`) blocked on the hook's lock the test holds: it
        // has provably not staged, let alone committed. (Its status appearing first is the failure.)
        try await town.wait("Claude's git to block on the hook's lock, or to finish", timeout: 240) { () -> Bool? in
            try KernelFacts.flockWaiters(on: lockFile).contains { $0.contains("add claude-second.md") } || signals.text("second-status") != nil ? true : nil
        }
        #expect(signals.text("second-status") == nil, "Claude's git should wait while Gateway holds the hook")
        try FileManager.default.removeItem(at: indexLock)
        held.release()
        try await town.wait("Claude's second commit", timeout: 60) { signals.text("second-status") }
        #expect(signals.text("second-status") == "0", "\(signals.text("second-stderr") ?? "")")

        let root = town.town.root
        let subjects = try await shell("git log --format=%s hooks/mayor", in: root)
        #expect(subjects.contains("Claude's first note"))
        #expect(subjects.contains("Claude's second note"))
        await #expect(try shell("git show hooks/mayor:claude-note.md", in: root) == "from-claude\n")
        await #expect(try shell("git show hooks/mayor:claude-second.md", in: root) == "again\n")
        await #expect(try shell("git show hooks/mayor:work/gateway.md", in: root) == "from-gateway\n")
        try await town.wait("the second turn to end", timeout: 60) { try await town.status().state == "idle" ? true : nil }
        let left = try await shell("git status --porcelain", in: town.town.mayorDirectory)
        #expect(left.isEmpty, "uncommitted in the Mayor's hook: \(left)")
        // fsck takes an object written while it runs for a missing one: stop the Mayor (its hooks write
        // session notes to this repo after each turn), and give a straggling hook a moment.
        try await town.gwOK(["mayor", "stop"])
        var fsck = ProcessResult(status: -1, stdout: "", stderr: "")
        for _ in 0..<5 {
            fsck = try await LiveProcessRunner().run(Command("git", ["fsck", "--strict", "--no-progress"], in: root))
            if fsck.succeeded { break }
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
        #expect(fsck.succeeded, "git fsck: \(fsck.stderr)")
    }
}
