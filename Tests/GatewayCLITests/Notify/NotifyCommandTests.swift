import Foundation
import LoopbackHTTP
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// `gw notify …` as users run it: the built binary, a real town, real processes and loopback servers.
@Suite struct NotifyCommandTests {
    /// A fresh town with `targets` in its gateway.toml and a short notify backoff.
    func makeTown(_ targets: String) async throws -> TestTown {
        try await TestTown(config: "[notify]\nbackoff = \"100ms\"", targets)
    }

    /// The built `gw` run inside the town, which it finds through GW_TOWN as a user's shell would give it.
    func gw(_ arguments: [String], town: URL, environment: [String: String] = [:], input: String? = nil) async throws -> ProcessResult {
        try await runProduct("gw", arguments, in: town, environment: ["GW_TOWN": town.path].merging(environment) { _, new in new }, input: input)
    }

    func outbox(_ town: URL) async throws -> [[String: Any]] {
        let result = try await gw(["notify", "outbox", "--json"], town: town)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    }

    @Test func consoleSendTestOutboxAndIdempotencyKeys() async throws {
        let fixture = try await makeTown("[notify.targets.term]\nkind = \"console\"")
        defer { fixture.close() }
        let town = fixture.town.root
        let sent = try await gw(["notify", "send", "--target", "term", "--priority", "urgent", "disk almost full"], town: town)
        #expect(sent.status == 0)
        #expect(sent.stdout == "[notify term] [urgent] Gateway: disk almost full\ndelivered #1 to term\n")
        let piped = try await gw(["notify", "send", "--target", "term", "--key", "k1", "-"], town: town, input: "from stdin\n")
        #expect(piped.stdout.hasPrefix("[notify term] Gateway: from stdin\n"))
        let again = try await gw(["notify", "send", "--target", "term", "--key", "k1", "other text"], town: town)
        #expect(again.stdout == "delivered #2 to term (already in the outbox under this key; not queued twice)\n")
        let test = try await gw(["notify", "test", "term"], town: town)
        #expect(test.status == 0)
        #expect(test.stdout.contains("If you read this, the target \"term\" works."))
        let rows = try await outbox(town)
        #expect(rows.map { $0["state"] as? String } == ["delivered", "delivered", "delivered"])
        #expect(rows.map { $0["source"] as? String }[1] == "manual:k1")
        #expect(rows.map { $0["priority"] as? String } == ["urgent", "normal", "normal"])
        let loud = try await gw(["notify", "send", "--target", "term", "--priority", "loud", "x"], town: town)
        #expect(loud.status == 2 && loud.stderr == "gw: --priority must be normal or urgent, not \"loud\"\n")
        let listing = try await gw(["notify", "outbox"], town: town)
        #expect(listing.stdout.contains("#2  delivered term  manual:k1"))
        let unknown = try await gw(["notify", "send", "--target", "nope", "x"], town: town)
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "gw: no notify target named \"nope\": known targets: term\n")
        let check = try await gw(["config", "check"], town: town)
        #expect(check.stdout.contains("notify     term (console)"))
    }

    /// Killed while the server holds the call: when the server had accepted the message, the resumed
    /// run sends it once more (the named window); when it had not, the message arrives exactly once.
    @Test(arguments: [true, false])
    func killedMidDeliveryResumesWithADuplicateOnlyInTheWindow(serverAccepted: Bool) async throws {
        let api = try FakeBotAPI([.ok, .hang(accepting: serverAccepted)])
        defer { api.stop() }
        let fixture = try await makeTown("""
            [notify.targets.phone]
            kind = "telegram"
            chat_id = 7
            token_env = "TG_TOKEN"
            api_base = "\(api.baseURL)"
            timeout = "10m"
            """)
        defer { fixture.close() }
        let town = fixture.town.root
        let environment = ["TG_TOKEN": fakeToken]
        let first = try await gw(["notify", "send", "--target", "phone", "one"], town: town, environment: environment)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")

        // The second send hangs inside the call, and is killed there: the ledger still says `sending`.
        // Its own timeouts (the call's and the send's) are ten minutes, so only the kill ends it, however
        // late a loaded machine lets this test go on after the hang arrived.
        let second = try ChildProcess(try builtProduct("gw").path, ["notify", "send", "--timeout", "10m", "--target", "phone", "two"],
                                      environment: environment.merging(["GW_TOWN": town.path]) { _, new in new },
                                      output: fixture.directory.path("second-send.out"))
        #expect(await api.waitForHang(), "\(second.output)")
        second.signal(SIGKILL)
        #expect(try await second.wait() == 128 + SIGKILL, "\(second.output)")
        api.release()
        #expect(try await outbox(town).map { $0["state"] as? String } == ["delivered", "sending"])

        // The next run takes over: it finds "two" mid-call, delivers it again, then "three".
        let next = try await gw(["notify", "send", "--target", "phone", "three"], town: town, environment: environment)
        #expect(next.status == 0)
        #expect(next.stdout == "delivered #3 to phone\n")
        let rows = try await outbox(town)
        #expect(rows.map { $0["state"] as? String } == ["delivered", "delivered", "delivered"])
        #expect(rows.map { $0["possibleDuplicates"] as? Int } == [0, 1, 0])
        // Nothing lost; the only message that can arrive twice is "two", the one in flight at the kill.
        // The ledger cannot tell whether the server had it, so both cases count a possible duplicate.
        let texts = api.accepted.map(\.text)
        #expect(texts.filter { $0.hasSuffix("\none") }.count == 1)
        #expect(texts.filter { $0.hasSuffix("\ntwo") }.count == (serverAccepted ? 2 : 1))
        #expect(texts.filter { $0.hasSuffix("\nthree") }.count == 1)
        #expect(texts.count == (serverAccepted ? 4 : 3))
        let listing = try await gw(["notify", "outbox"], town: town)
        #expect(listing.stdout.contains("possible duplicate (1 interrupted call)"))
    }

    @Test func secretsNeverAppearInOutputErrorsJSONOrTheLedger() async throws {
        let api = try FakeBotAPI([.unauthorized])
        defer { api.stop() }
        let fixture = try await makeTown("""
            [notify.targets.phone]
            kind = "telegram"
            chat_id = 7
            token_file = "tg-token"
            api_base = "\(api.baseURL)"
            """)
        defer { fixture.close() }
        let town = fixture.town.root
        let tokenFile = town.appendingPathComponent("tg-token")
        try (fakeToken + "\n").write(to: tokenFile, atomically: true, encoding: .utf8)
        chmod(tokenFile.path, 0o644)
        var captured = ""
        let open = try await gw(["config", "check"], town: town)
        #expect(open.status == 78)
        #expect(open.stderr == "gw: gateway.toml:\(try lineOf("token_file", in: town)): notify.targets.phone.token_file: \(tokenFile.path) is readable or writable by others (mode 644): secrets files must be private; run `chmod 600 \(tokenFile.path)`\n")
        captured += open.stdout + open.stderr
        chmod(tokenFile.path, 0o600)
        #expect(try await gw(["config", "check"], town: town).status == 0)
        for arguments in [["notify", "send", "--verbose", "--json", "--target", "phone", "hello"], ["notify", "outbox", "--json"],
                          ["notify", "outbox"], ["notify", "retry", "1", "--verbose"], ["config", "check"]] {
            let result = try await gw(arguments, town: town)
            captured += result.stdout + result.stderr
        }
        #expect(captured.contains("Telegram refused the bot token"))
        #expect(api.all.first?.token == fakeToken)
        #expect(!captured.contains(fakeToken))
        #expect(!captured.contains("SECRET"))
        for suffix in ["", "-wal"] {
            let ledger = town.appendingPathComponent(".gateway/ledger.sqlite\(suffix)")
            if let bytes = FileManager.default.contents(atPath: ledger.path) {
                #expect(bytes.range(of: Data("SECRET".utf8)) == nil)
            }
        }
        // A token written straight into the TOML is refused, and not echoed.
        let config = town.appendingPathComponent("gateway.toml")
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "token_file = \"tg-token\"", with: "token = \"\(fakeToken)\"")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let inline = try await gw(["config", "check"], town: town)
        #expect(inline.status == 78)
        #expect(inline.stderr.contains("notify.targets.phone.token: secrets are never written in gateway.toml"))
        #expect(!inline.stderr.contains("SECRET"))
    }

    func lineOf(_ key: String, in town: URL) throws -> Int {
        let lines = try String(contentsOf: town.appendingPathComponent("gateway.toml"), encoding: .utf8).components(separatedBy: "\n")
        return (lines.firstIndex { $0.hasPrefix(key) } ?? -1) + 1
    }

    @Test func desktopUsesNotifySendAndSaysSoWhenThereIsNone() async throws {
        let fixture = try await makeTown("[notify.targets.pc]\nkind = \"desktop\"")
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town.root)
        let empty = directory.path("empty-bin")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = try await gw(["notify", "send", "--target", "pc", "hi"], town: town, environment: ["PATH": empty.path])
        #expect(none.status == 1)
        #expect(none.stdout.contains("no desktop notifier found on PATH: on Linux install notify-send (apt-get install libnotify-bin)"))
        // A stand-in notify-send that records its arguments.
        let bin = directory.path("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let record = directory.path("notify-send.args")
        try "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '\(record.path)'\n"
            .write(to: bin.appendingPathComponent("notify-send"), atomically: true, encoding: .utf8)
        chmod(bin.appendingPathComponent("notify-send").path, 0o755)
        let sent = try await gw(["notify", "send", "--target", "pc", "--priority", "urgent", "--title", "Mayor", "build broke"], town: town,
                          environment: ["PATH": "\(bin.path):/usr/bin:/bin"])
        #expect(sent.status == 0)
        #expect(try String(contentsOf: record, encoding: .utf8) == "--app-name=Gateway\n--urgency=critical\n--\nMayor\nbuild broke\n")
    }

    @Test func webhookPostsJSONWithHeadersFromTheEnvironmentAndRetryRevivesAFailure() async throws {
        let received = LockedBox<[HTTPRequest]>([])
        let status = LockedBox(404)
        let server = try LoopbackHTTPServer { request, writer in
            received.update { $0.append(request) }
            writer.respond(status: status.get(), json: "{}")
        }
        defer { server.stop() }
        let fixture = try await makeTown("""
            [notify.targets.hook]
            kind = "webhook"
            url = "\(server.baseURL)/hook"
            headers_env = { Authorization = "HOOK_AUTH" }
            """)
        defer { fixture.close() }
        let town = fixture.town.root
        let environment = ["HOOK_AUTH": "Bearer hook-SECRET-value"]
        let failed = try await gw(["notify", "send", "--target", "hook", "--title", "T", "body"], town: town, environment: environment)
        #expect(failed.status == 1)
        #expect(failed.stdout == "notification #1 to hook failed: the webhook answered 404: check url and headers_env\nfix the cause, then run `gw notify retry 1`\n")
        status.set(200)
        let retried = try await gw(["notify", "retry", "1"], town: town, environment: environment)
        #expect(retried.stdout == "delivered #1 to hook\n")
        let requests = received.get()
        #expect(requests.count == 2)
        #expect(requests.last?.headers["authorization"] == "Bearer hook-SECRET-value")
        let body = try JSONSerialization.jsonObject(with: requests.last?.body ?? Data()) as? [String: String]
        #expect(body == ["title": "T", "text": "body", "priority": "normal", "source": body?["source"] ?? "?"])
        #expect(body?["source"]?.hasPrefix("manual:") == true)
        #expect(!(failed.stdout + failed.stderr + retried.stdout + retried.stderr).contains("SECRET"))
    }

    @Test func withADaemonRunningSendOnlyQueues() async throws {
        let fixture = try await makeTown("[notify.targets.term]\nkind = \"console\"")
        defer { fixture.close() }
        let town = fixture.town.root
        try "\(getpid())\n".write(to: town.appendingPathComponent(".gateway/daemon.pid"), atomically: true, encoding: .utf8)
        let queued = try await gw(["notify", "send", "--target", "term", "hi"], town: town)
        #expect(queued.status == 0)
        #expect(queued.stdout == "queued #1 for term; the daemon (pid \(getpid())) delivers it\n")
        #expect(try await outbox(town).map { $0["state"] as? String } == ["pending"])
    }

    @Test func sendReturnsByItsTimeoutAndLeavesTheRestQueued() async throws {
        let server = try LoopbackHTTPServer { _, writer in writer.respond(status: 503, json: "{}") }
        defer { server.stop() }
        let fixture = try await makeTown("[notify.targets.hook]\nkind = \"webhook\"\nurl = \"\(server.baseURL)/\"\ntimeout = \"2s\"")
        defer { fixture.close() }
        let town = fixture.town.root
        // Timed from the child's start to its exit by the thread that waits for it, not by this test's
        // task, which a loaded machine may resume late. The bound is the 1 s timeout, plus one webhook
        // call in flight (its own 2 s timeout), plus a debug binary's start and the ledger, with room for
        // a loaded machine: a send that ignored --timeout would retry on until its attempts ran out.
        let (result, seconds) = try await runTimed(Command(try builtProduct("gw").path, ["notify", "send", "--target", "hook", "--timeout", "1s", "x"],
                                                           in: town, environment: ["GW_TOWN": town.path]))
        #expect(seconds < 20, "gw notify send --timeout 1s took \(seconds) s")
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("notification #1 to hook is not delivered yet (last error: the webhook answered 503); it stays in the outbox"))
        let row = try #require(try await outbox(town).first)
        #expect(row["state"] as? String == "pending")
        #expect((row["attempts"] as? Int ?? 0) >= 2)
    }
}
