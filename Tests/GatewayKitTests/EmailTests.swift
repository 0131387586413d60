import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify
import GatewayTestSupport

@Suite struct EmailMessageTests {
    let date = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func asciiHeadersStayReadableAndUTF8SubjectsAreEncodedWords() {
        #expect(EmailMessage.encodeHeader("Build passed") == "Build passed")
        let encoded = EmailMessage.encodeHeader("每日资讯：重大突破 🚀")
        #expect(encoded.hasPrefix("=?UTF-8?B?"))
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        let decoded = words.map { word in
            String(decoding: Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))!, as: UTF8.self)
        }.joined()
        #expect(decoded == "每日资讯：重大突破 🚀")
        // A long subject is several words, each decoding on its own (no character split between words).
        let long = EmailMessage.encodeHeader(String(repeating: "进展", count: 40))
        #expect(long.components(separatedBy: "\r\n ").count > 1)
    }

    @Test func quotedPrintableKeepsLinesShortAndEncodesEquals() {
        let text = "a=b " + String(repeating: "x", count: 100) + " é\ntrailing space "
        let encoded = EmailMessage.quotedPrintable(text)
        #expect(encoded.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(encoded.hasPrefix("a=3Db "))
        #expect(encoded.contains("=C3=A9"))
        #expect(encoded.hasSuffix("trailing space=20"))
    }

    @Test func theMessageHasEveryHeaderAndAChoiceOfEncoding() {
        let ascii = EmailMessage(from: "Gateway <gw@example.com>", to: ["a@example.com", "b@example.com"], subject: "Hi",
                                 body: "line one\nline two", date: date, messageID: "<gw.1@example.com>", urgent: true).rendered()
        #expect(ascii.contains("From: Gateway <gw@example.com>\r\nTo: a@example.com, b@example.com\r\nSubject: Hi\r\n"))
        #expect(ascii.contains("Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"))
        #expect(ascii.contains("Message-ID: <gw.1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"))
        #expect(ascii.contains("X-Priority: 1\r\nImportance: high\r\n"))
        #expect(ascii.contains("Content-Transfer-Encoding: quoted-printable\r\n\r\nline one\r\nline two\r\n"))
        let chinese = EmailMessage(from: "gw@example.com", to: ["a@example.com"], subject: "资讯", body: "今天的科技新闻",
                                   date: date, messageID: "<m@x>").rendered()
        #expect(chinese.contains("Content-Transfer-Encoding: base64\r\n\r\n\(Data("今天的科技新闻".utf8).base64EncodedString())\r\n"))
    }

    @Test func thePasswordNeverReachesArgv() throws {
        let settings = EmailSettings(host: "smtp.example.com", port: 587, security: .starttls, username: "me",
                                     password: SecretReference(key: "k", source: .environment("P")), auth: "login",
                                     from: "Me <me@example.com>", to: ["you@example.com"])
        let notifier = EmailNotifier(settings: settings, password: "pa\"ss\\word", timeout: 10, processes: LiveProcessRunner(), clock: SystemWallClock())
        let command = notifier.command(messageFile: URL(fileURLWithPath: "/tmp/m.eml"))
        #expect(command.argv == ["curl", "--silent", "--show-error", "--max-time", "10", "--config", "-",
                                 "--url", "smtp://smtp.example.com:587", "--mail-from", "me@example.com", "--ssl-reqd",
                                 "--mail-rcpt", "you@example.com", "--login-options", "AUTH=LOGIN", "--upload-file", "/tmp/m.eml"])
        #expect(!command.argv.joined().contains("word"))
        #expect(command.standardInput == Data("user = \"me:pa\\\"ss\\\\word\"\n".utf8))
        let implicit = EmailNotifier(settings: EmailSettings(host: "h", port: 465, security: .implicit, from: "a@b", to: ["c@d"]),
                                     password: nil, timeout: 5, processes: LiveProcessRunner(), clock: SystemWallClock())
        let argv = implicit.command(messageFile: URL(fileURLWithPath: "/m")).argv
        #expect(argv.contains("smtps://h:465") && !argv.contains("--ssl-reqd"))
    }
}

/// Email through curl to a real SMTP server (aiosmtpd) on loopback.
@Suite struct SMTPDeliveryTests {
    func toml(port: Int, password: Bool = true, auth: String = "auto", tls: String = "none", caFile: String? = nil) -> String {
        """
        [notify]
        backoff = "100ms"
        max_attempts = 3

        [notify.targets.mail]
        kind = "email"
        host = "127.0.0.1"
        port = \(port)
        tls = "\(tls)"
        \(caFile.map { "ca_file = \"\($0)\"" } ?? "")
        \(password ? "username = \"gateway\"\npassword_env = \"SMTP_PASSWORD\"" : "")
        auth = "\(auth)"
        from = "Gateway <gw@example.com>"
        to = ["owner@example.com"]
        timeout = "20s"
        """
    }

    @Test(arguments: ["plain", "login"])
    func deliversWithAuthAndTheStableMessageID(mechanism: String) async throws {
        let base = TemporaryDirectory()
        let smtp = try await SMTPDouble(in: base.url, arguments: ["--password", "s3cret-pw", "--require-auth"])
        defer { smtp.stop() }
        let mail = try await NotifyTestRig(toml(port: smtp.port, auth: mechanism), variables: ["SMTP_PASSWORD": "s3cret-pw"])
        let entry = try await mail.enqueue("heartbeat:run-1:news", target: "mail", title: "每日资讯", text: "三条重要资讯 & more", priority: .urgent)
        let final = try await mail.deliver([entry.id])
        #expect(final.first?.state == .delivered)
        let received = try smtp.received()
        #expect(received.count == 1)
        let message = try #require(received.first)
        #expect(message.meta["mechanism"] as? String == mechanism.uppercased())
        #expect(message.meta["mail_from"] as? String == "gw@example.com")
        #expect(message.meta["rcpt_tos"] as? [String] == ["owner@example.com"])
        #expect(message.message.contains("Message-ID: \(entry.messageID(domain: "example.com"))"))
        #expect(message.message.contains("Subject: =?UTF-8?B?\(Data("每日资讯".utf8).base64EncodedString())?="))
        #expect(message.message.contains("Importance: high"))
        #expect(!mail.log.text.contains("s3cret-pw"))
    }

    @Test func aRefusedLoginFailsClearlyWithoutThePassword() async throws {
        let base = TemporaryDirectory()
        let smtp = try await SMTPDouble(in: base.url, arguments: ["--reject-auth", "--require-auth"])
        defer { smtp.stop() }
        let mail = try await NotifyTestRig(toml(port: smtp.port), variables: ["SMTP_PASSWORD": "s3cret-pw"])
        let entry = try await mail.enqueue("manual:1", target: "mail", title: "t", text: "x")
        let final = try await mail.deliver([entry.id])
        #expect(final.first?.state == .failed)
        let error = final.first?.lastError ?? ""
        #expect(error.hasPrefix("the SMTP server 127.0.0.1:\(smtp.port) refused the login for gateway"))
        #expect(error.hasSuffix("check username and password_env/password_file"))
        #expect(!error.contains("s3cret-pw"))
        #expect(try smtp.received().isEmpty)
    }

    @Test func aDroppedConnectionIsRetriedWithTheSameMessageID() async throws {
        let base = TemporaryDirectory()
        let smtp = try await SMTPDouble(in: base.url, arguments: ["--drop", "1"])
        defer { smtp.stop() }
        let mail = try await NotifyTestRig(toml(port: smtp.port, password: false))
        let entry = try await mail.enqueue("sling:9", target: "mail", title: "Sling done", text: "ok")
        let final = try await mail.deliver([entry.id])
        #expect(final.first?.state == .delivered)
        #expect(final.first?.attempts == 1)
        #expect(mail.log.text.contains("dropped the connection"))
        let received = try smtp.received()
        #expect(received.count == 1)
        #expect(received.first?.message.contains("Message-ID: \(entry.messageID(domain: "example.com"))") == true)
    }

    /// Nothing listening is an outage: the mail keeps waiting past max_attempts (3 here), saying why.
    @Test func aServerThatIsNotThereIsRetriedWithoutGivingUp() async throws {
        let mail = try await NotifyTestRig(toml(port: 1, password: false))
        let entry = try await mail.enqueue("manual:1", target: "mail", title: "t", text: "x")
        var final = try await mail.deliver([entry.id], within: 1)
        for _ in 0..<60 where (final.first?.attempts ?? 0) <= 3 { final = try await mail.deliver([entry.id], within: 1) }
        #expect(final.first?.state == .pending)
        #expect((final.first?.attempts ?? 0) > 3)
        #expect(final.first?.lastError?.hasPrefix("could not connect to the SMTP server 127.0.0.1:1") == true)
    }

    /// A self-signed certificate for 127.0.0.1, made with the openssl command.
    func makeCertificate(in directory: URL) async throws -> (cert: URL, key: URL) {
        try await shell("openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null", in: directory)
        return (directory.appendingPathComponent("cert.pem"), directory.appendingPathComponent("key.pem"))
    }

    @Test(arguments: ["starttls", "implicit"])
    func deliversOverTLSTrustingTheConfiguredCA(tls: String) async throws {
        let base = TemporaryDirectory()
        let (cert, key) = try await makeCertificate(in: base.url)
        let smtp = try await SMTPDouble(in: base.url, arguments: ["--tls", tls, "--cert", cert.path, "--key", key.path, "--password", "pw-over-tls", "--require-auth"])
        defer { smtp.stop() }
        let mail = try await NotifyTestRig(toml(port: smtp.port, tls: tls, caFile: cert.path), variables: ["SMTP_PASSWORD": "pw-over-tls"])
        let entry = try await mail.enqueue("manual:tls", target: "mail", title: "over \(tls)", text: "encrypted")
        let final = try await mail.deliver([entry.id])
        #expect(final.first?.state == .delivered, "\(final.first?.lastError ?? "")")
        #expect(try smtp.received().map { $0.meta["login"] as? String } == ["gateway"])
    }

    @Test func anUntrustedCertificateFailsWithTheFix() async throws {
        let base = TemporaryDirectory()
        let (cert, key) = try await makeCertificate(in: base.url)
        let smtp = try await SMTPDouble(in: base.url, arguments: ["--tls", "implicit", "--cert", cert.path, "--key", key.path])
        defer { smtp.stop() }
        let mail = try await NotifyTestRig(toml(port: smtp.port, password: false, tls: "implicit"))
        let entry = try await mail.enqueue("manual:1", target: "mail", title: "t", text: "x")
        let final = try await mail.deliver([entry.id])
        #expect(final.first?.state == .failed)
        #expect(final.first?.attempts == 1)
        #expect(final.first?.lastError?.hasPrefix("TLS with the SMTP server 127.0.0.1:\(smtp.port) failed (curl exit 60") == true)
        #expect(try smtp.received().isEmpty)
    }
}
