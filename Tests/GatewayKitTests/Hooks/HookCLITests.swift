import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHooks
import GatewayTestSupport

@Suite struct HookCLITests {
    @Test func putShowListAndLogThroughGw() async throws {
        let fixture = try await TestTown()
        let root = fixture.town.root
        try FileSystem.writeAtomically("review the open pull requests\n", to: fixture.directory.path("review.md"))
        let put = try await runProduct("gw", ["hook", "put", "mayor", fixture.directory.path("review.md").path], in: root)
        #expect(put.status == 0)
        #expect(put.stdout.contains("Hung work/review.md on the hook of mayor"))
        let again = try await runProduct("gw", ["hook", "put", "mayor", fixture.directory.path("review.md").path], in: root)
        #expect(again.stdout.contains("already had this content"))

        let show = try await runProduct("gw", ["hook", "show", "mayor", "--json"], in: root)
        #expect(show.status == 0)
        let details = try JSONDecoder.iso8601.decode(HookDetails.self, from: Data(show.stdout.utf8))
        #expect(details.files.contains { $0.path == "work/review.md" && $0.size == 30 })
        #expect(details.lockFile.hasSuffix(".gateway/hook-state/mayor.lock"))

        let list = try await runProduct("gw", ["hook", "list"], in: root)
        #expect(list.stdout.hasPrefix("mayor\t\(root.path)/mayor\t"))
        let log = try await runProduct("gw", ["hook", "log", "mayor", "--limit", "1"], in: root)
        #expect(log.stdout.split(separator: "\n").count == 1)
        #expect(log.stdout.contains("Hang work/review.md"))
    }

    @Test func failuresExitNonZeroWithInstructions() async throws {
        let fixture = try await TestTown()
        let root = fixture.town.root
        let unknown = try await runProduct("gw", ["hook", "show", "ghost"], in: root)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no hook for agent \"ghost\": `gw hook list`"))
        let badName = try await runProduct("gw", ["hook", "put", "bad/name", "-"], in: root, input: "x")
        #expect(badName.status == 2)
        let missing = try await runProduct("gw", ["hook", "put", "mayor", "/nonexistent/file.md"], in: root)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read /nonexistent/file.md"))
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
