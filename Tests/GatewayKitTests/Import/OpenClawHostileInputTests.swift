import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayMemory
import GatewayTestSupport

/// `gw import openclaw` on a workspace whose Markdown files Gateway does not control: a NUL, escape
/// sequences and bells are imported without them (and the import says so); a file that is not UTF-8,
/// huge, a link out of the workspace, a folder, a FIFO or a dangling link is named and skipped; every
/// other day still arrives, word for word, and nothing outside the workspace is read.
@Suite struct OpenClawHostileInputTests {
    let source = TemporaryDirectory("gw-openclaw-hostile")

    @Test func hostileFilesAreNamedSkippedOrCleanedAndNothingElseIsLost() async throws {
        let workspace = source.url.appendingPathComponent("workspace")
        let memory = workspace.appendingPathComponent("memory")
        try FileManager.default.createDirectory(at: memory, withIntermediateDirectories: true)
        func day(_ number: Int) -> String { String(format: "2026-11-%02d", number) }
        func write(_ text: String, _ relative: String) throws {
            try Data(text.utf8).write(to: workspace.appendingPathComponent(relative))
        }
        try write("- \(day(1)): a NUL\u{0} here, red \u{1b}[31mtext\u{1b}[0m and a bell\u{7}\n", "memory/\(day(1)).md")
        try Data([0x2D, 0x20, 0xC3, 0x28, 0x0A]).write(to: memory.appendingPathComponent("\(day(2)).md"))
        try Data(String(repeating: "- a very long day\n", count: 300_000).utf8).write(to: memory.appendingPathComponent("\(day(3)).md"))
        let secret = source.url.appendingPathComponent("private-key.txt")
        try Data("PRIVATE-KEY-MATERIAL\n".utf8).write(to: secret)
        try FileManager.default.createSymbolicLink(at: memory.appendingPathComponent("\(day(4)).md"), withDestinationURL: secret)
        try FileManager.default.createDirectory(at: memory.appendingPathComponent("\(day(5)).md"), withIntermediateDirectories: true)
        try await shell("mkfifo '\(memory.appendingPathComponent("\(day(6)).md").path)'", in: source.url)
        try FileManager.default.createSymbolicLink(at: memory.appendingPathComponent("\(day(7)).md"), withDestinationURL: source.url.appendingPathComponent("gone.md"))
        // A link that stays inside the workspace is an ordinary file of it.
        try write("- \(day(8)): kept through a link\n", "notes-8.md")
        try FileManager.default.createSymbolicLink(at: memory.appendingPathComponent("\(day(8)).md"), withDestinationURL: workspace.appendingPathComponent("notes-8.md"))
        for number in 9...10 { try write("- \(day(number)): an ordinary day\n", "memory/\(day(number)).md") }
        try write("Be calm.\u{1b}]0;window title\u{7} Stay exact.\r\n", "SOUL.md")

        let fixture = try await TestTown()
        defer { fixture.close() }
        let output = try await fixture.gwOK(["import", "openclaw", workspace.path, "--json"])
        let plan = try JSONDecoder().decode(OpenClawImport.Plan.self, from: Data(output.utf8))
        func skipped(_ number: Int) -> String? { plan.skipped.first { $0.source == memory.appendingPathComponent("\(day(number)).md").path }?.reason }
        #expect(skipped(2)?.contains("not UTF-8") == true, "\(plan.skipped)")
        #expect(skipped(3)?.contains("more than the") == true, "\(plan.skipped)")
        #expect(skipped(4)?.contains("outside") == true, "\(plan.skipped)")
        #expect(skipped(5)?.contains("folder") == true, "\(plan.skipped)")
        #expect(skipped(6)?.contains("not a regular file") == true, "\(plan.skipped)")
        #expect(skipped(7) != nil, "\(plan.skipped)")
        #expect(plan.skipped.count == 6, "\(plan.skipped)")

        let hook = fixture.town.mayorDirectory
        func imported(_ relative: String) throws -> String? {
            let url = hook.appendingPathComponent(relative)
            return FileSystem.exists(url) ? try String(contentsOf: url, encoding: .utf8) : nil
        }
        #expect(try imported("memory/\(day(1)).md") == "- \(day(1)): a NUL here, red [31mtext[0m and a bell\n")
        #expect(plan.notes.contains { $0.contains("\(day(1)).md held control or invisible characters") }, "\(plan.notes)")
        for number in 2...7 { #expect(try imported("memory/\(day(number)).md") == nil, "day \(number) is skipped") }
        #expect(try imported("memory/\(day(8)).md") == "- \(day(8)): kept through a link\n")
        for number in 9...10 { #expect(try imported("memory/\(day(number)).md") == "- \(day(number)): an ordinary day\n") }
        let claude = try #require(try imported("CLAUDE.md"))
        #expect(claude.contains("## SOUL.md\n\nBe calm.]0;window title Stay exact."), "\(claude)")
        let leaked = try await shell("grep -rl --binary-files=text 'PRIVATE-KEY-MATERIAL' . || true", in: fixture.town.root)
        #expect(leaked.isEmpty, "nothing outside the workspace is read: \(leaked)")
        let binary = try await shell("git log --numstat --format= -- memory | grep '^-' || true", in: hook)
        #expect(binary.isEmpty, "no imported file is binary to git: \(binary)")

        let again = try JSONDecoder().decode(OpenClawImport.Plan.self, from: Data(try await fixture.gwOK(["import", "openclaw", workspace.path, "--json"]).utf8))
        #expect(again.changes.isEmpty, "a second import changes nothing: \(again.changes)")
    }
}
