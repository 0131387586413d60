import Foundation
import Testing
@testable import GatewayCore
import GatewayTestSupport

/// Flushing files written without a flush: it succeeds on them and names the path it cannot flush.
@Suite struct FileSystemFlushTests {
    @Test func aWrittenFileFlushesAndAMissingOneIsNamed() async throws {
        let directory = TemporaryDirectory()
        let log = directory.path("memory/sessions/2026-12-05.md")
        try FileSystem.writeAtomically("# 2026-12-05\n", to: log, flush: false)
        try await FileSystem.flush([log])
        #expect(try FileSystem.readText(log) == "# 2026-12-05\n")
        let missing = directory.path("memory/sessions/gone.md")
        await #expect { try await FileSystem.flush([log, missing]) } throws: { error in
            (error as? GatewayError)?.message == "could not write \(missing.path): No such file or directory"
        }
    }
}
