import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

/// Files that are not UTF-8 are reported with the line of the first bad byte and the fix.
@Suite("UTF-8 text files")
struct UTF8TextTests {
    @Test("a gateway.toml with a byte that is not UTF-8 names its line and says to save it as UTF-8")
    func configWithInvalidByte() throws {
        let directory = TemporaryDirectory()
        let file = directory.path("gateway.toml")
        try Data("[town]\nname = \"a\"\n# caf".utf8 + [0xE9] + Data(" latin-1\n".utf8)).write(to: file)
        guard case .failure(let failure) = Result(catching: { () throws(ConfigFailure) in try GatewayConfig.load(from: file) }) else {
            Issue.record("a file that is not UTF-8 was accepted")
            return
        }
        #expect(failure.problems.count == 1)
        #expect(failure.problems.first?.line == 3)
        #expect(failure.description == "gateway.toml:3: is not UTF-8 text (byte 23 is invalid): save the file as UTF-8, then run `gw config check`")
    }

    @Test("a HEARTBEAT.md saved as UTF-16 says so, with its path and line")
    func heartbeatInUTF16() throws {
        let directory = TemporaryDirectory()
        let file = directory.path("HEARTBEAT.md")
        try Data([0xFF, 0xFE] + Array("## Task\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })).write(to: file)
        do {
            _ = try HeartbeatDocument.load(from: file)
            Issue.record("a UTF-16 file was read as UTF-8")
        } catch {
            #expect(error.userMessage == "\(file.path):1: is UTF-16 text: save the file as UTF-8")
        }
    }

    @Test("the first invalid byte is found after valid multi-byte characters")
    func offsets() {
        #expect(UTF8Text.firstInvalidOffset(Array("每日".utf8) + [0xC3]) == 6)
        #expect(UTF8Text.firstInvalidOffset(Array("ok😀".utf8)) == nil)
        #expect(UTF8Text.firstInvalidOffset([0x61, 0xED, 0xA0, 0x80]) == 1)
    }
}
