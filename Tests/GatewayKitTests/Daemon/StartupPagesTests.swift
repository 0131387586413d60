import Foundation
import Testing
@testable import GatewayCore

/// What the daemon gives back once started: only read-only private file mappings none of whose pages
/// the process wrote.
@Suite struct StartupPagesTests {
    static let smaps = """
        55d0a0000000-55d0a0100000 r--p 00000000 08:01 1234 /usr/bin/gw
        Size:               1024 kB
        Rss:                 512 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me
        55d0a0100000-55d0a0200000 r-xp 00100000 08:01 1234 /usr/bin/gw
        Size:               1024 kB
        Rss:                 900 kB
        Anonymous:             0 kB
        55d0a0200000-55d0a0210000 r--p 00200000 08:01 1234 /usr/bin/gw
        Rss:                  64 kB
        Anonymous:            60 kB
        55d0a0210000-55d0a0220000 rw-p 00210000 08:01 1234 /usr/bin/gw
        Rss:                  64 kB
        Anonymous:             0 kB
        7f0000000000-7f0000100000 r--s 00000000 08:01 99 /tmp/shared.db-shm
        Rss:                  32 kB
        Anonymous:             0 kB
        7f0000100000-7f0000200000 r--p 00000000 00:00 0
        Rss:                   8 kB
        Anonymous:             0 kB
        7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0 [vdso]
        Rss:                   8 kB
        Anonymous:             0 kB
        """

    @Test func onlyCleanReadOnlyPrivateFileMappingsAreDropped() {
        let mappings = StartupPages.clean(in: Self.smaps)
        #expect(mappings == [
            .init(start: 0x55d0a0000000, end: 0x55d0a0100000, rssKilobytes: 512),
            .init(start: 0x55d0a0100000, end: 0x55d0a0200000, rssKilobytes: 900),
        ])
    }

    @Test func aMappingWithoutItsAnonymousLineIsKept() {
        let smaps = "55d0a0000000-55d0a0100000 r--p 00000000 08:01 1234 /usr/bin/gw\nRss: 512 kB\n"
        #expect(StartupPages.clean(in: smaps).isEmpty)
    }

    /// Run on this very process: it keeps working afterwards, its relocated data untouched.
    @Test func releasingInThisProcessKeepsItWorking() {
        StartupPages.release()
        let text = String(describing: [1, 2, 3].map { $0 * 2 })
        #expect(text == "[2, 4, 6]")
        #expect(ProcessInfo.processInfo.processIdentifier == getpid())
    }
}

#if os(Linux)
/// `/proc` files report a size of 0: the whole list is read, not its first block.
@Suite struct StartupPagesReadTests {
    @Test func theWholeMappingListIsRead() throws {
        let text = String(decoding: try #require(StartupPages.readWhole("/proc/self/smaps")), as: UTF8.self)
        let mappings = text.split(separator: "\n").filter { $0.hasPrefix("VmFlags:") }.count
        let maps = String(decoding: try #require(StartupPages.readWhole("/proc/self/maps")), as: UTF8.self)
        #expect(mappings > 20)
        // Read a moment apart: a thread starting meanwhile may add a mapping or two.
        #expect(abs(mappings - maps.split(separator: "\n").count) <= 8)
    }
}
#endif
