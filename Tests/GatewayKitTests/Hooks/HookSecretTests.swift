import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// A file in a hook that holds one of Gateway's secrets is left out of Gateway's commits (and so of
/// any push), with a warning naming the file and the secret — never the value.
struct HookSecretTests {
    static let tag = UUID().uuidString.prefix(8)
    static let tokenVariable = "GW_TEST_HOOK_TOKEN_\(tag)"
    static let token = "987654:ZZ-\(tag)-$(id);'\"`x`"
    static let password = "filed-password-\(tag)"

    /// `gw ARGS --town T` as its own process, with the token exported.
    static func gw(_ arguments: [String], _ hooks: TestTown) async throws -> ProcessResult {
        try await hooks.gw(arguments, variables: [tokenVariable: token])
    }

    static func configure(_ hooks: TestTown) throws {
        let passwordFile = hooks.directory.path("smtp-password")
        try password.write(to: passwordFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passwordFile.path)
        try hooks.configure("""
            [notify.targets.tg]
            kind = "telegram"
            chat_id = 1
            token_env = "\(tokenVariable)"

            [notify.targets.mail]
            kind = "email"
            host = "127.0.0.1"
            from = "gw@example.com"
            to = ["me@example.com"]
            username = "me"
            password_file = "\(passwordFile.path)"
            """)
    }

    @Test func filesHoldingASecretStayOutOfTheCommitWithAWarning() async throws {
        let hooks = try await TestTown()
        try Self.configure(hooks)
        let mayor = hooks.town.mayorDirectory
        // What an agent might write: a token in a note, a password in a binary file, a harmless note.
        try FileManager.default.createDirectory(at: mayor.appendingPathComponent("notes"), withIntermediateDirectories: true)
        try "the bot token is \(Self.token)\n".write(to: mayor.appendingPathComponent("notes/leak *.md"), atomically: true, encoding: .utf8)
        try (Data([0, 1, 2]) + Data(Self.password.utf8) + Data([0])).write(to: mayor.appendingPathComponent("dump.bin"))
        try "nothing secret\n".write(to: mayor.appendingPathComponent("notes/fine.md"), atomically: true, encoding: .utf8)
        let input = hooks.directory.path("task.md")
        try "do the thing\n".write(to: input, atomically: true, encoding: .utf8)

        let put = try await Self.gw(["hook", "put", "mayor", input.path], hooks)
        #expect(put.succeeded, "\(put.stderr)")
        let committed = try await hooks.git("ls-tree -r --name-only hooks/mayor")
        #expect(committed.contains("work/task.md") && committed.contains("notes/fine.md"), "\(committed)")
        #expect(!committed.contains("leak") && !committed.contains("dump.bin"), "\(committed)")
        #expect(put.stderr.contains("notes/leak *.md") && put.stderr.contains(Self.tokenVariable), "\(put.stderr)")
        #expect(put.stderr.contains("dump.bin") && put.stderr.contains("notify.targets.mail.password_file"), "\(put.stderr)")
        #expect(!put.stderr.contains(Self.tag + "-$") && !put.stderr.contains(Self.password) && !put.stdout.contains(Self.password))
        // The files stay, uncommitted, and the next commit leaves them out again.
        #expect(FileSystem.exists(mayor.appendingPathComponent("notes/leak *.md")))
        let again = try await Self.gw(["memory", "append", "a later entry"], hooks)
        #expect(again.succeeded, "\(again.stderr)")
        #expect(again.stderr.contains("notes/leak *.md"), "\(again.stderr)")
        let everything = try await hooks.git("log -p --all")
        #expect(!everything.contains("ZZ-\(Self.tag)") && !everything.contains(Self.password))
    }

    @Test func aSecretChangedIntoACommittedFileKeepsTheCommittedVersion() async throws {
        let hooks = try await TestTown()
        try Self.configure(hooks)
        let notes = hooks.town.mayorDirectory.appendingPathComponent("notes.md")
        try "first version\n".write(to: notes, atomically: true, encoding: .utf8)
        let first = try await Self.gw(["memory", "append", "one"], hooks)
        #expect(first.succeeded, "\(first.stderr)")
        try "first version\nand \(Self.token)\n".write(to: notes, atomically: true, encoding: .utf8)
        let second = try await Self.gw(["memory", "append", "two"], hooks)
        #expect(second.succeeded, "\(second.stderr)")
        #expect(try await hooks.git("show hooks/mayor:notes.md") == "first version\n")
        #expect(second.stderr.contains("notes.md") && second.stderr.contains(Self.tokenVariable), "\(second.stderr)")
    }
}
