import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify
import GatewayTestSupport

@Suite struct NotifyConfigTests {
    func problems(_ toml: String) -> [String] {
        do {
            _ = try GatewayConfig.parse(toml)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func readsEveryKindOfTarget() throws {
        let config = try GatewayConfig.parse("""
            [notify]
            max_attempts = 3
            backoff = "1s"

            [notify.targets.phone]
            kind = "telegram"
            chat_id = -1001234
            token_env = "TG_TOKEN"

            [notify.targets.mail]
            kind = "email"
            host = "smtp.example.com"
            tls = "implicit"
            username = "me"
            password_file = "secrets/smtp"
            from = "Gateway <gw@example.com>"
            to = ["me@example.com", "you@example.com"]

            [notify.targets.hook]
            kind = "webhook"
            url = "https://ntfy.sh/topic"
            headers_env = { Authorization = "HOOK_AUTH" }
            timeout = "3s"

            [notify.targets.pc]
            kind = "desktop"

            [notify.targets.term]
            kind = "console"
            """)
        let notify = config.notify
        #expect(notify.maxAttempts == 3)
        #expect(notify.backoff == .seconds(1))
        #expect(notify.targets["phone"]?.kind == .telegram(TelegramSettings(
            chatID: "-1001234", token: SecretReference(key: "notify.targets.phone.token_env", source: .environment("TG_TOKEN"), line: 8))))
        guard case .email(let email)? = notify.targets["mail"]?.kind else { Issue.record("mail is not email"); return }
        #expect(email.port == 465)
        #expect(email.security == .implicit)
        #expect(email.to == ["me@example.com", "you@example.com"])
        #expect(email.password?.source == .file("secrets/smtp"))
        guard case .webhook(let hook)? = notify.targets["hook"]?.kind else { Issue.record("hook is not webhook"); return }
        #expect(hook.headers["Authorization"]?.source == .environment("HOOK_AUTH"))
        #expect(notify.targets["hook"]?.timeout == .seconds(3))
        #expect(notify.targets["pc"]?.kind == .desktop)
        #expect(notify.targets["term"]?.kind == .console)
    }

    @Test func eachBadSettingNamesFileLineKeyAndFix() {
        let found = problems("""
            [notify.targets.phone]
            kind = "telegram"
            token = "123:ABC"

            [notify.targets.mail]
            kind = "email"
            tls = "ssl"
            to = []

            [notify.targets.odd]
            kind = "pager"

            [notify.targets.hook]
            kind = "webhook"
            url = "ftp://x"
            colour = "red"
            """)
        #expect(found.contains("gateway.toml:1: notify.targets.phone.chat_id: is required: the chat's id, like chat_id = 123456789 (ask @userinfobot, or read getUpdates)"))
        #expect(found.contains("gateway.toml:3: notify.targets.phone.token: secrets are never written in gateway.toml: remove it, export it as an environment variable and write token_env = \"TELEGRAM_BOT_TOKEN\", or put it in a file (chmod 600) and write token_file = \"PATH\""))
        #expect(found.contains("gateway.toml:1: notify.targets.phone.token_env: is required: name the environment variable holding the token, like token_env = \"TELEGRAM_BOT_TOKEN\", or write token_file = \"PATH\" for a file only you can read"))
        #expect(found.contains("gateway.toml:7: notify.targets.mail.tls: must be one of \"starttls\", \"implicit\", \"none\", not \"ssl\""))
        #expect(found.contains("gateway.toml:5: notify.targets.mail.host: is required: the SMTP server, like host = \"smtp.example.com\""))
        #expect(found.contains("gateway.toml:8: notify.targets.mail.to: is required: a list of addresses, like to = [\"you@example.com\"]"))
        #expect(found.contains("gateway.toml:11: notify.targets.odd.kind: must be one of \"telegram\", \"email\", \"desktop\", \"webhook\", \"console\", not \"pager\""))
        #expect(found.contains("gateway.toml:15: notify.targets.hook.url: is required: an http(s) URL, like url = \"https://ntfy.sh/my-topic\""))
        #expect(found.contains { $0.hasPrefix("gateway.toml:16: notify.targets.hook.colour: unknown key") })
        // The secret itself never appears in any problem.
        #expect(!found.joined().contains("123:ABC"))
    }

    @Test func headersWrittenInlineAreRefused() {
        let found = problems("""
            [notify.targets.hook]
            kind = "webhook"
            url = "https://example.com/hook"
            headers = { Authorization = "Bearer s3cret-value" }
            """)
        #expect(found == ["gateway.toml:4: notify.targets.hook.headers: header values may hold secrets, so they come from the environment: write headers_env = { Authorization = \"WEBHOOK_AUTH\" }"])
    }

    @Test func secretsFilesMustBePrivate() throws {
        let directory = TemporaryDirectory()
        let file = directory.path("token")
        try "123:SECRET-TOKEN\n".write(to: file, atomically: true, encoding: .utf8)
        let config = try GatewayConfig.parse("""
            [notify.targets.phone]
            kind = "telegram"
            chat_id = 42
            token_file = "token"

            [notify.targets.other]
            kind = "telegram"
            chat_id = 43
            token_env = "UNSET_TOKEN_VARIABLE"
            """)
        let town = Town(root: directory.url)
        for mode in [0o644, 0o640, 0o604, 0o660, 0o700 | 0o001] {
            chmod(file.path, mode_t(mode))
            let found = NotifyService.secretProblems(config.notify, town: town, variables: [:]).map(\.description)
            #expect(found.contains("gateway.toml:4: notify.targets.phone.token_file: \(file.path) is readable or writable by others (mode \(String(mode, radix: 8))): secrets files must be private; run `chmod 600 \(file.path)`"))
        }
        chmod(file.path, 0o600)
        let found = NotifyService.secretProblems(config.notify, town: town, variables: [:]).map(\.description)
        #expect(found == ["gateway.toml:9: notify.targets.other.token_env: the environment variable UNSET_TOKEN_VARIABLE is not set: export it before running gw (the daemon reads the environment it was started with)"])
        #expect(NotifyService.secretProblems(config.notify, town: town, variables: ["UNSET_TOKEN_VARIABLE": "x:y"]).isEmpty)
        guard case .telegram(let telegram)? = config.notify.targets["phone"]?.kind else { Issue.record("not telegram"); return }
        #expect(try telegram.token.resolve(variables: [:], root: directory.url) == "123:SECRET-TOKEN")
        #expect(!found.joined().contains("SECRET-TOKEN"))
    }

    @Test func theTownTemplateParsesWithNoTargets() throws {
        let config = try GatewayConfig.parse(TownTemplates.gatewayToml(name: "t"))
        #expect(config.notify == NotifySettings())
        // Uncommenting the example targets gives a valid config too.
        let uncommented = TownTemplates.gatewayToml(name: "t").split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> String in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                let setting = trimmed.range(of: #"^# [a-z_]+ = "#, options: .regularExpression) != nil
                if trimmed.hasPrefix("# [notify.targets") || trimmed.hasPrefix("# [agents.") || (setting && !trimmed.hasPrefix("# active_hours")) {
                    return String(trimmed.dropFirst(2))
                }
                return String(line)
            }.joined(separator: "\n")
        let full = try GatewayConfig.parse(uncommented)
        #expect(full.notify.targets.keys.sorted() == ["desktop", "hook", "mail", "phone", "terminal"])
    }
}
