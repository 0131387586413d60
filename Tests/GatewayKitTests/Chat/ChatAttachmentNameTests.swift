import Foundation
import Testing
@testable import GatewayCore
@testable import GatewayChat

/// A sender's file name never becomes a path of its own: whatever it holds, the saved file is one
/// plain, bounded name under `inbox/`.
@Suite struct ChatAttachmentNameTests {
    func document(_ name: String?) -> ChatAttachment { ChatAttachment(kind: "document", fileId: "f", size: 10, fileName: name) }

    @Test func hostileNamesBecomeOnePlainFileName() {
        #expect(document("../../etc/passwd").safeName == "etc_passwd")
        #expect(document(".git/config").safeName == "git_config")
        #expect(document("..").safeName == "document")
        #expect(document("/").safeName == "document")
        #expect(document("a\u{0}b.txt").safeName == "a_b.txt")
        #expect(document("invoice\u{202E}fdp.exe").safeName == "invoice_fdp.exe", "an RTL override cannot disguise the extension")
        #expect(document("x\n\r\t\u{1B}[31m.md").safeName == "x_31m.md")
        #expect(document("-rf .sh").safeName == "rf_.sh", "no leading dash, no space")
        #expect(document("$(reboot)`id`;'\"|&.txt").safeName == "reboot_id_.txt")
        #expect(document("a...b....c").safeName == "a.b.c", "no `..` anywhere")
        #expect(document(nil).safeName == "document")
        #expect(document("Отчёт 2024 (final).pdf").safeName == "Отчёт_2024_final_.pdf", "letters of any script stay")
        #expect(document("e\u{301}te\u{301}.txt").safeName == "e\u{301}te\u{301}.txt", "combining marks stay with their letters")
    }

    @Test func aHugeNameIsBoundedAndKeepsItsExtension() throws {
        let long = document(String(repeating: "a", count: 10_000) + ".pdf").safeName
        #expect(long.utf8.count <= ChatAttachment.nameBytes && long.hasSuffix(".pdf") && long.hasPrefix("aaaa"))
        let wide = document(String(repeating: "漢", count: 5_000)).safeName
        #expect(wide.utf8.count <= ChatAttachment.nameBytes && wide.allSatisfy { $0 == "漢" }, "cut between characters, never inside one")
        let path = document(String(repeating: "../", count: 4_000) + "x").hookPath(updateId: 7)
        #expect(path == "inbox/telegram-7-x")
    }

    @Test func photosAndVoiceGetTheirFormatsExtension() {
        #expect(ChatAttachment(kind: "photo", fileId: "p", size: nil, fileName: "../evil").hookPath(updateId: 3) == "inbox/telegram-3-photo.jpg")
        #expect(ChatAttachment(kind: "voice", fileId: "v", size: nil, fileName: nil).hookPath(updateId: 4) == "inbox/telegram-4-voice.ogg")
    }

    @Test func theStoredColumnReadsBack() {
        #expect(ChatAttachment(stored: "document\tBQAD\t1234\tmy\tfile.txt") == ChatAttachment(kind: "document", fileId: "BQAD", size: 1234, fileName: "my\tfile.txt"))
        #expect(ChatAttachment(stored: "photo\tAgAC\t\t") == ChatAttachment(kind: "photo", fileId: "AgAC", size: nil, fileName: nil))
        #expect(ChatAttachment(stored: nil) == nil)
        #expect(ChatAttachment(stored: "") == nil)
        #expect(ChatAttachment(stored: "photo") == nil)
    }

    @Test func sizesReadForPeople() {
        #expect(ConfigByteSize.readable(20 * 1_048_576) == "20 MB")
        #expect(ConfigByteSize.readable(1_572_864) == "1.5 MB")
        #expect(ConfigByteSize.readable(3000) == "3 KB")
        #expect(ConfigByteSize.readable(1) == "1 byte")
    }
}
