import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// Which folders can hold a town: shell and tmux syntax in a path is quoted everywhere Gateway passes
/// it; a control character or a `:` (which no quoting makes safe) is refused at install, naming the path.
@Suite struct TownPathTests {
    @Test(arguments: ["a\nb", "tab\there", "esc\u{1B}[201~", "del\u{7F}", "c1\u{85}", "colon:town"])
    func installRefusesAPathNoQuotingMakesSafe(name: String) async throws {
        let directory = TemporaryDirectory("gw-town-path")
        let target = directory.path(name)
        let result = await gw(["install", target.path], in: directory.url)
        #expect(result.code == 1)
        #expect(result.stderr.contains("cannot be used"), "\(result.stderr)")
        #expect(result.stderr.contains(TownPath.visible(target.path)), "the error names the path: \(result.stderr)")
        #expect(!result.stderr.dropLast().contains("\n"), "the error is one line: \(result.stderr)")
        #expect(!FileSystem.exists(target), "nothing was made")
    }

    @Test func installAcceptsShellAndTmuxSyntaxInAPath() async throws {
        let directory = TemporaryDirectory("gw-town-path")
        let target = directory.path("Notes#Work #{pane_id} $(x) `y` it's \"q\"; ~ z")
        let result = await gw(["install", target.path], in: directory.url)
        #expect(result.code == 0, "\(result.stderr)")
        #expect(Town.isTown(target))
    }

    /// A town moved to such a path after install is refused when its Mayor starts, before tmux sees it.
    @Test func aTownMovedToAnUnsafePathIsRefusedAtStart() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town)
        let moved = directory.path("moved\ntown")
        try FileManager.default.moveItem(at: town.root, to: moved)
        try "[mayor]\nagent = \"sim\"\n".write(to: moved.appendingPathComponent("gateway.toml"), atomically: true, encoding: .utf8)
        let result = await gw(["mayor", "start", "--town", moved.path], in: directory.url)
        #expect(result.code == 1)
        #expect(result.stderr.contains("the town folder \(TownPath.visible(moved.path)) cannot be used: it contains a newline"), "\(result.stderr)")
    }

    @Test func theErrorSaysWhy() {
        #expect(TownPath.problem("/home/me/gt") == nil)
        #expect(TownPath.problem("/home/me/g\nt")?.contains("a newline") == true)
        #expect(TownPath.problem("/home/me/g:t")?.contains("PATH") == true)
        #expect(TownPath.visible("/a\nb\u{1B}") == #""/a\nb\u{1b}""#)
    }
}
