import Foundation
import Testing
import GatewayTestSupport
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayChat

/// Who may talk to the Mayor from Telegram: gateway.toml's `allow`, pairings the owner confirmed, and
/// `gw chat allow`; strangers get a one-time code under `pairing` and nothing else.
@Suite struct ChatAccessTests {
    static let owner: Int64 = 111_111
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    struct Fixture {
        let directory = TemporaryDirectory("gw-chat")
        let ledger: Ledger
        let settings: TelegramChatSettings

        init(policy: ChatPolicy = .pairing) throws {
            ledger = try Ledger(file: directory.path("ledger.sqlite"))
            settings = TelegramChatSettings(token: SecretReference(key: "chat.telegram.token_env", source: .environment("TELEGRAM_BOT_TOKEN")),
                                            policy: policy, allow: [ChatAccessTests.owner], allowLocation: "gateway.toml:7")
        }

        var access: ChatAccess { ChatAccess(settings: settings, ledger: ledger) }

        func verdict(_ user: Int64, after seconds: TimeInterval = 0) async throws -> ChatAccess.Verdict {
            try await access.verdict(userId: user, chatId: user, at: ChatAccessTests.start.addingTimeInterval(seconds))
        }

        func code(_ verdict: ChatAccess.Verdict) -> String? {
            if case .pairing(let code, _, _) = verdict { return code }
            return nil
        }
    }

    func problems(_ text: String) -> [String] {
        do {
            _ = try GatewayConfig.parse(text)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func theChatSectionIsReadWithItsDefaults() throws {
        let config = try GatewayConfig.parse("""
            [chat.telegram]
            token_file = "secrets/bot-token"
            allow = [123456789, "987654321"]
            """)
        let chat = try #require(config.chat.telegram)
        #expect(chat.policy == .pairing)
        #expect(chat.apiBase == "https://api.telegram.org")
        #expect(chat.allow == [123_456_789, 987_654_321])
        #expect(chat.allowLocation == "gateway.toml:3")
        #expect(chat.permissionTimeout == .seconds(600))
        #expect(chat.maxAttachment == .megabytes(20), "Telegram's getFile limit for bots")
        #expect(chat.groups.isEmpty)
        #expect(config.secretReferences.contains(chat.token), "the bot token is kept out of agents' environments like every secret")
        #expect(try GatewayConfig.parse("").chat.telegram == nil, "no chat unless configured")
    }

    @Test func badChatSettingsNameTheLineAndTheFix() {
        let found = problems("""
            [chat.telegram]
            token = "123:ABC"
            policy = "open"
            allow = [12, "bob"]
            permission_timeout = "soon"
            api_base = "ftp://x"
            colour = 1
            max_attachment = "20 parsecs"
            """)
        #expect(found.contains { $0.hasPrefix("gateway.toml:2: chat.telegram.token: secrets are never written in gateway.toml") })
        #expect(!found.joined().contains("123:ABC"), "the token never appears in an error")
        #expect(found.contains { $0.hasPrefix("gateway.toml:3: chat.telegram.policy:") && $0.contains("pairing") })
        #expect(found.contains { $0.hasPrefix("gateway.toml:4: chat.telegram.allow: a string is not a Telegram id") })
        #expect(found.contains { $0.hasPrefix("gateway.toml:5: chat.telegram.permission_timeout:") })
        #expect(found.contains { $0.hasPrefix("gateway.toml:6: chat.telegram.api_base:") })
        #expect(found.contains { $0.hasPrefix("gateway.toml:7: chat.telegram.colour: unknown key") })
        #expect(found.contains { $0.hasPrefix("gateway.toml:8: chat.telegram.max_attachment: \"20 parsecs\" is not a size") })
    }

    @Test func attachmentSizesReadLikePeopleWriteThem() throws {
        func size(_ value: String) throws -> ConfigByteSize? {
            try GatewayConfig.parse("[chat.telegram]\ntoken_file = \"t\"\nmax_attachment = \(value)\n").chat.telegram?.maxAttachment
        }
        #expect(try size("\"512KB\"") == .kilobytes(512))
        #expect(try size("\"20MB\"") == .megabytes(20))
        #expect(try size("\"5 mib\"") == .megabytes(5))
        #expect(try size("\"1GB\"") == .megabytes(1024))
        #expect(try size("1000") == ConfigByteSize(bytes: 1000))
        #expect(ConfigByteSize.megabytes(20).description == "20MB" && ConfigByteSize(bytes: 1500).description == "1500B")
        for bad in ["\"\"", "\"MB\"", "\"-1MB\"", "\"1.5MB\"", "\"3GB\"", "0", "\"99999999999999999999GB\"", "true"] {
            #expect(problems("[chat.telegram]\ntoken_file = \"t\"\nmax_attachment = \(bad)\n").contains { $0.hasPrefix("gateway.toml:3: chat.telegram.max_attachment:") },
                    "\(bad) is refused with its line")
        }
    }

    @Test func theOwnerListedInTheConfigIsLetThroughAndNothingIsStoredForThem() async throws {
        let fixture = try Fixture()
        #expect(try await fixture.verdict(Self.owner) == .allowed)
        #expect(try await fixture.ledger.pendingPairingCodes(at: Self.start).isEmpty)
        #expect(try await fixture.ledger.chatSenders().isEmpty)
    }

    @Test func aStrangerGetsOneCodeToldAgainAtMostEveryTenMinutes() async throws {
        let fixture = try Fixture()
        let first = try await fixture.verdict(42)
        guard case .pairing(let code, let expires, let reply) = first else { Issue.record("expected a code, got \(first)"); return }
        #expect(reply)
        #expect(code.count == 8)
        #expect(code.allSatisfy { ChatAccess.codeAlphabet.contains($0) })
        #expect(expires == Self.start.addingTimeInterval(3600))
        #expect(try await fixture.verdict(42, after: 60) == .pairing(code: code, expiresAt: expires, reply: false), "rate-limited: the same code, not said again")
        #expect(try await fixture.verdict(42, after: 601) == .pairing(code: code, expiresAt: expires, reply: true))
        #expect(try await fixture.ledger.pendingPairingCodes(at: Self.start).count == 1)
    }

    @Test func atMostThreeCodesArePendingAndAnExpiredOneMakesRoom() async throws {
        let fixture = try Fixture()
        var codes: Set<String> = []
        for user in 1...3 { codes.insert(try #require(fixture.code(try await fixture.verdict(Int64(user))))) }
        #expect(codes.count == 3)
        #expect(try await fixture.verdict(4) == .ignored(reason: "3 pairing codes are pending already"))
        // An hour later the three have expired: the fourth stranger is handed one, the first a new one.
        let fourth = try #require(fixture.code(try await fixture.verdict(4, after: 3601)))
        #expect(!codes.contains(fourth))
        let again = try #require(fixture.code(try await fixture.verdict(1, after: 3602)))
        #expect(!codes.contains(again), "an expired code is never handed out again")
    }

    @Test func pairingLetsTheSenderInOnceAndTheCodeCannotBeReused() async throws {
        let fixture = try Fixture()
        let code = try #require(fixture.code(try await fixture.verdict(42)))
        let typed = " " + code.lowercased().prefix(4) + "-" + code.lowercased().dropFirst(4) + " "
        let paired = try await fixture.access.pair(String(typed), at: Self.start.addingTimeInterval(30))
        #expect(paired.userId == 42)
        #expect(try await fixture.verdict(42, after: 31) == .allowed)
        #expect(try await fixture.ledger.chatSender(42)?.how == .paired)
        await #expect(throws: GatewayError.self) { try await fixture.access.pair(code, at: Self.start.addingTimeInterval(40)) }
    }

    @Test func anExpiredOrUnknownCodeIsRefusedWithTheWayOn() async throws {
        let fixture = try Fixture()
        let code = try #require(fixture.code(try await fixture.verdict(42)))
        do {
            _ = try await fixture.access.pair(code, at: Self.start.addingTimeInterval(3600))
            Issue.record("an expired code paired")
        } catch {
            #expect(error.userMessage.contains("no pending pairing code \(code)"))
            #expect(error.userMessage.contains("gw chat list"))
        }
        #expect(try await fixture.ledger.chatSender(42) == nil)
        await #expect(throws: GatewayError.self) { try await fixture.access.pair("", at: Self.start) }
        await #expect(throws: GatewayError.self) { try await fixture.access.pair("'; DROP TABLE chat_senders; --", at: Self.start) }
        #expect(try await fixture.ledger.chatSenders().isEmpty)
    }

    @Test func allowlistAndDisabledHandOutNoCodes() async throws {
        let allowlist = try Fixture(policy: .allowlist)
        #expect(try await allowlist.verdict(42) == .ignored(reason: "not on the allow list"))
        #expect(try await allowlist.verdict(Self.owner) == .allowed)
        #expect(try await allowlist.ledger.pendingPairingCodes(at: Self.start).isEmpty)
        #expect(try await allowlist.access.allow(42, at: Self.start))
        #expect(try await allowlist.verdict(42) == .allowed)

        let disabled = try Fixture(policy: .disabled)
        #expect(try await disabled.verdict(Self.owner) == .ignored(reason: "chat is disabled"))
        #expect(try await disabled.verdict(42) == .ignored(reason: "chat is disabled"))
    }

    @Test func revokingAConfiguredIdNamesTheLineToEditAndOthersAreRemoved() async throws {
        let fixture = try Fixture()
        do {
            try await fixture.access.revoke(Self.owner)
            Issue.record("revoked an id gateway.toml lists")
        } catch {
            #expect(error.userMessage.contains("gateway.toml:7"))
            #expect(error.userMessage.contains("never rewrites"))
        }
        #expect(try await fixture.verdict(Self.owner) == .allowed)

        #expect(try await fixture.access.allow(77, at: Self.start))
        #expect(try await fixture.access.allow(77, at: Self.start) == false, "allowed once")
        #expect(try await fixture.access.allow(Self.owner, at: Self.start) == false, "the config allows them already")
        try await fixture.access.revoke(77)
        #expect(try await fixture.ledger.chatSender(77) == nil)
        await #expect(throws: GatewayError.self) { try await fixture.access.revoke(77) }
        // Revoked, they are a stranger again: under pairing they may ask for a code.
        #expect(fixture.code(try await fixture.verdict(77)) != nil)
    }
}

/// `gw chat` as the owner types it.
@Suite struct ChatCommandTests {
    @Test func allowListPairAndRevokeThroughTheCommandLine() async throws {
        let fixture = try await TestTown()
        let root = fixture.town.root
        func gw(_ arguments: String...) async throws -> ProcessResult {
            try await runProduct("gw", ["chat"] + arguments, in: root, environment: ["GW_TOWN": root.path])
        }
        let missing = try await gw("list")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no [chat.telegram] section"))

        try FileSystem.writeAtomically("[chat.telegram]\ntoken_env = \"TELEGRAM_BOT_TOKEN\"\nallow = [111]\n", to: fixture.town.configFile)
        #expect(try await gw("allow", "222").stdout.contains("Allowed Telegram user 222."))
        let badId = try await gw("allow", "-5")
        #expect(badId.status != 0, "a negative id is a group, never a person")
        let settings = try #require(try fixture.town.loadConfig().chat.telegram)
        let access = ChatAccess(settings: settings, ledger: try fixture.environment.ledger(fixture.town))
        let code = try #require(try await access.verdict(userId: 333, chatId: 333, at: Date()).pairingCode)

        let listed = try await gw("list", "--json")
        #expect(listed.status == 0, "\(listed.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        #expect(json["policy"] as? String == "pairing")
        let senders = try #require(json["senders"] as? [[String: Any]])
        #expect(senders.compactMap { $0["id"] as? Int } == [111, 222])
        #expect(senders.first?["source"] as? String == "gateway.toml:3")
        #expect((json["pending"] as? [[String: Any]])?.first?["code"] as? String == code)

        let paired = try await gw("pair", code.lowercased())
        #expect(paired.status == 0, "\(paired.stderr)")
        #expect(paired.stdout.contains("Paired Telegram user 333"))
        let configured = try await gw("revoke", "111")
        #expect(configured.status != 0)
        #expect(configured.stderr.contains("gateway.toml:3"))
        #expect(try await gw("revoke", "333").status == 0)
        #expect(try await gw("list").stdout.contains("222  allowed"))
        let status = try await runProduct("gw", ["chat", "status", "--json"], in: root,
                                          environment: ["GW_TOWN": root.path, "TELEGRAM_BOT_TOKEN": "555:status-secret"])
        #expect(status.status == 0, "\(status.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(report["polled"] as? Bool == false)
        #expect(report["token"] as? String == "environment variable TELEGRAM_BOT_TOKEN")
        let warnings = (report["warnings"] as? [String]) ?? []
        #expect(warnings.contains { $0.contains("no daemon runs: nothing is polled") })
        #expect(warnings.contains { $0.contains("token_file") }, "a token from the shell is missing under a service manager")
        #expect(!status.stdout.contains("status-secret"))
        #expect(!(try await gw("list").stdout.contains("333")))
    }
}

extension ChatAccess.Verdict {
    var pairingCode: String? {
        if case .pairing(let code, _, _) = self { return code }
        return nil
    }
}
