import Foundation
import Testing
@testable import GatewayCore
@testable import GatewayMemory
import GatewayTestSupport

/// A day's session log grows in bounded parts, so a Stop late in a busy day rewrites, commits and
/// re-indexes one part, never the whole day.
@Suite struct SessionLogPartsTests {
    static let day = "2026-12-05"

    func turns(_ range: Range<Int>, reply: Bool = true, size: Int = 1000) -> [(turn: SessionTurn, time: String)] {
        range.map { index in
            let prompt = "prompt \(index) " + String(repeating: "x", count: size)
            return (SessionTurn(key: "k-\(index)", prompt: prompt, reply: reply ? "reply \(index)" : nil, date: nil), "10:00")
        }
    }

    func parts(_ folder: TemporaryDirectory) throws -> [String] {
        var texts: [String] = []
        while true {
            let url = folder.url.appendingPathComponent(SessionLog.relativePath(day: Self.day, part: texts.count + 1))
            guard FileSystem.exists(url) else { return texts }
            texts.append(try FileSystem.readText(url))
        }
    }

    @Test func aLongDayIsWrittenInPartsEachTurnOnceAndAgainChangesNothing() throws {
        let folder = TemporaryDirectory("gw-session-parts")
        var changed: [String] = []
        // One Stop at a time, as the hooks write them.
        for start in stride(from: 0, to: 150, by: 3) {
            changed = try SessionExtractor.write(turns(start..<(start + 3), size: 4000), day: Self.day, in: folder.url)
            #expect(changed.count == 1, "each Stop writes one part")
        }
        let texts = try parts(folder)
        #expect(texts.count >= 3, "about 600 KB of conversation fills more than two parts")
        for text in texts.dropLast() {
            #expect(text.utf8.count >= SessionLog.partLimit, "a part is only left behind once full")
            #expect(text.utf8.count < SessionLog.partLimit + 3 * 4200, "a part holds at most one Stop's turns past its limit")
        }
        let keys = texts.flatMap { SessionLog.keys(in: $0) }
        #expect(keys == (0..<150).map { "k-\($0)" }, "every turn once, in order")
        #expect(changed == [SessionLog.relativePath(day: Self.day, part: texts.count)])

        // The last Stop's turns again (a re-read transcript): nothing changes.
        #expect(try SessionExtractor.write(turns(147..<150, size: 4000), day: Self.day, in: folder.url).isEmpty)
        #expect(try parts(folder) == texts)
    }

    @Test func aReplyThatComesAfterThePartFilledCompletesItsTurnWhereItIs() throws {
        let folder = TemporaryDirectory("gw-session-parts")
        // Part 1 just short of full, then a long turn still waiting for its reply fills it.
        let count = SessionLog.partLimit / 1100
        _ = try SessionExtractor.write(turns(0..<count), day: Self.day, in: folder.url)
        _ = try SessionExtractor.write(turns(count..<(count + 1), reply: false, size: 30_000), day: Self.day, in: folder.url)
        #expect(try parts(folder).count == 1)
        #expect(try parts(folder)[0].contains("**Reply** (pending)"))

        // The next Stop brings that reply and a new turn: the reply lands in part 1, the new turn in part 2.
        let changed = try SessionExtractor.write(turns(count..<(count + 1), size: 30_000) + turns((count + 1)..<(count + 2)),
                                                 day: Self.day, in: folder.url)
        let texts = try parts(folder)
        #expect(changed == [SessionLog.relativePath(day: Self.day, part: 1), SessionLog.relativePath(day: Self.day, part: 2)])
        #expect(!texts[0].contains("(pending)"))
        #expect(texts[0].contains("reply \(count)\n"))
        #expect(SessionLog.keys(in: texts[1]) == ["k-\(count + 1)"])
        #expect(texts[1].hasPrefix("# Conversation of \(Self.day)"))
    }
}
