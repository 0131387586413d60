import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayChat
import GatewayHooks
import GatewayTestSupport

/// Saving an attachment into the Mayor's hook against the fake Bot API: committed once however often
/// it is saved, a failing download retried and then given up with a reason, and nothing over the limit
/// downloaded — with the token, which every file URL carries, in no reason and no log line.
@Suite(.serialized) struct ChatAttachmentSaverTests {
    struct Fixture {
        let api: FakeBotAPI
        let town: TestTown
        let saver: ChatAttachmentSaver

        init(limit: String = "20MB") async throws {
            api = try FakeBotAPI()
            town = try await TestTown(config: ChatDaemonTests.chat(api) + "max_attachment = \"\(limit)\"\n", variables: ["GW_TEST_BOT_TOKEN": fakeToken])
            let config = try town.config
            saver = ChatAttachmentSaver(environment: town.environment, town: town.town, config: config, settings: try #require(config.chat.telegram))
        }

        func close() {
            api.stop()
            town.close()
        }

        /// The commits on the Mayor's hook that touched `path`.
        func commits(touching path: String) async throws -> [String] {
            try await shell("git log --format=%s hooks/mayor -- \(path)", in: town.town.root).split(separator: "\n").map(String.init)
        }

        /// The committed blob of `path` matches `bytes`, and so does the file in the worktree.
        func committed(_ path: String, holds bytes: Data) async throws -> Bool {
            let file = Hook.worktree(for: Hook.mayor, in: town.town).appendingPathComponent(path)
            guard try Data(contentsOf: file) == bytes else { return false }
            let blob = try await shell("git rev-parse hooks/mayor:\(path)", in: town.town.root)
            let hashed = try await shell("git hash-object \(file.path)", in: town.town.root)
            return blob == hashed
        }

        var log: String { town.capturedLog.text }
    }

    static func bytes(_ count: Int) -> Data { Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }) }

    @Test func aSavedAttachmentIsCommittedOnceHoweverOftenItIsSaved() async throws {
        let fixture = try await Fixture()
        defer { fixture.close() }
        let data = Self.bytes(5000) + Data([0, 0xFF, 0x0A])
        fixture.api.registerFile(id: "doc-1", bytes: data)
        let attachment = ChatAttachment(kind: "document", fileId: "doc-1", size: Int64(data.count), fileName: "../notes.bin")
        let first = await fixture.saver.save(attachment, update: 77)
        let file = Hook.worktree(for: Hook.mayor, in: fixture.town.town).appendingPathComponent("inbox/telegram-77-notes.bin")
        #expect(first == .saved(file: file, bytes: Int64(data.count)))
        // A daemon killed before the message reached the Mayor saves it again: same file, no new commit.
        #expect(await fixture.saver.save(attachment, update: 77) == first)
        #expect(try await fixture.commits(touching: "inbox/telegram-77-notes.bin").count == 1)
        #expect(try await fixture.commits(touching: "inbox/telegram-77-notes.bin").first?.contains("inbox/telegram-77-notes.bin") == true)
        #expect(try await fixture.committed("inbox/telegram-77-notes.bin", holds: data))
        #expect(fixture.api.downloads.allSatisfy { $0.token == fakeToken && $0.path.hasPrefix("documents/") })
    }

    @Test func aFailingDownloadIsRetriedThenGivenUpWithAReasonWithoutTheToken() async throws {
        let fixture = try await Fixture()
        defer { fixture.close() }
        fixture.api.registerFile(id: "p", bytes: Self.bytes(100))
        fixture.api.failDownloads(1)
        let photo = ChatAttachment(kind: "photo", fileId: "p", size: 100, fileName: nil)
        guard case .saved = await fixture.saver.save(photo, update: 1) else { Issue.record("one 500 is ridden out"); return }
        #expect(fixture.api.downloads.count == 2)

        fixture.api.failDownloads(10)
        let outcome = await fixture.saver.save(photo, update: 2)
        guard case .notSaved(let reason, let reply) = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(fixture.api.downloads.count == 2 + 1 + ChatAttachmentSaver.pauses.count)
        #expect(reason.contains("could not be downloaded") && reply.contains("20 MB"))
        #expect(!reason.contains(fakeToken) && !reply.contains(fakeToken) && !fixture.log.contains(fakeToken), "the file URL holds the token")
        #expect(try await fixture.commits(touching: "inbox/telegram-2-photo.jpg").isEmpty)
    }

    @Test func nothingOverTheLimitIsDownloadedOrKept() async throws {
        let fixture = try await Fixture(limit: "1KB")
        defer { fixture.close() }
        // Declared over the limit: not even looked up.
        fixture.api.registerFile(id: "big", bytes: Self.bytes(5000))
        let declared = await fixture.saver.save(ChatAttachment(kind: "document", fileId: "big", size: 5000, fileName: "big.pdf"), update: 1)
        guard case .notSaved(let reason, let reply) = declared else { Issue.record("expected a refusal, got \(declared)"); return }
        #expect(reason.contains("over the 1 KB limit") && reply.contains("1 KB"))
        #expect(fixture.api.fileLookups.isEmpty && fixture.api.downloads.isEmpty)

        // The message said nothing and getFile understates it: the body's size is what counts.
        fixture.api.registerFile(id: "liar", bytes: Self.bytes(5000), declaredSize: 10)
        let lied = await fixture.saver.save(ChatAttachment(kind: "voice", fileId: "liar", size: nil, fileName: nil), update: 2)
        guard case .notSaved(let because, _) = lied else { Issue.record("expected a refusal, got \(lied)"); return }
        #expect(because.contains("over the 1 KB limit"))
        #expect(fixture.api.downloads.count == 1, "too large is final: no retry")
        #expect(try await fixture.commits(touching: "inbox").isEmpty)
    }
}
