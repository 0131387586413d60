import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// scripts/fetch-claude without the network: the override and the cache's fast path.
@Suite struct FetchClaudeScriptTests {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/fetch-claude")

    func run(_ environment: [String: String]) async throws -> ProcessResult {
        try await LiveProcessRunner().run(Command("/bin/bash", [script.path], environment: environment))
    }

    @Test func anExistingBinaryOverridesAndAMissingOneIsAnError() async throws {
        let chosen = try await run(["GW_CLAUDE_BIN": "/bin/true"])
        #expect(chosen.status == 0)
        #expect(chosen.stdout == "/bin/true\n")
        let missing = try await run(["GW_CLAUDE_BIN": "/nonexistent/claude"])
        #expect(missing.status == 1)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr.contains("GW_CLAUDE_BIN=/nonexistent/claude is not an executable file"))
    }

    @Test func aCachedBinaryIsPrintedWithoutFetching() async throws {
        let cache = TemporaryDirectory("fetch-claude-cache")
        let folder = cache.path("claude/9.9.9")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let binary = folder.appendingPathComponent("claude")
        try FileSystem.writeAtomically("#!/bin/sh\necho cached\n", to: binary, permissions: 0o755)
        // A version no index has: reaching pip would fail, so success proves the cache answered.
        let result = try await run(["GW_CLAUDE_BIN": "", "GW_CACHE_DIR": cache.url.path, "GW_CLAUDE_SDK_VERSION": "9.9.9", "PATH": "/usr/bin:/bin"])
        #expect(result.status == 0)
        #expect(result.stdout == binary.path + "\n")
    }
}
