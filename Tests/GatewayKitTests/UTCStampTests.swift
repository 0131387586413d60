import Foundation
import Testing
@testable import GatewayCore

/// UTC stamps by arithmetic read and write what Foundation's ISO 8601 formatter does.
struct UTCStampTests {
    @Test func itWritesWhatTheFormatterWrites() throws {
        for seconds in [0.0, 951_782_400.5, 1_796_453_715.604_33, 4_102_444_799.999] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(UTCStamp.iso8601(date) == date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            let parsed = try #require(UTCStamp.parseCompact(UTCStamp.compact(date)))
            #expect(parsed.timeIntervalSince1970 == seconds.rounded(.down))
        }
        #expect(UTCStamp.compact(Date(timeIntervalSince1970: 951_782_400)) == "20000229T000000Z")
    }

    @Test func anythingElseIsNotAStamp() {
        for text in ["", "20000230T000000Z", "2000022T0000000Z", "20000229 000000Z", "20000229T000000", "2000-2-9T000000Z", "20001329T000000Z"] {
            #expect(UTCStamp.parseCompact(text) == nil, "\(text)")
        }
    }
}
