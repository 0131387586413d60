import Foundation
import GatewayCore

/// Sends email through `curl`'s SMTP client.
///
/// Why curl: the package mirror has no maintained Swift SMTP library, and a client on SwiftNIO would
/// need SwiftNIO-SSL for STARTTLS and implicit TLS, which is too heavy to rebuild on every CI run.
/// curl speaks SMTP with STARTTLS (`--ssl-reqd`) and implicit TLS (`smtps://`), AUTH PLAIN and LOGIN,
/// and is installed nearly everywhere. We build the MIME message ourselves (`EmailMessage`). The
/// password never goes on argv, where `ps` would show it, nor to disk, where a killed process would
/// leave it: curl reads it from its stdin as config (`--config -`). The message goes in a private
/// temporary file instead, removed as soon as curl exits.
public struct EmailNotifier: Notifier {
    let settings: EmailSettings
    let password: String?
    let timeout: TimeInterval
    let processes: any ProcessRunning
    let clock: any WallClock
    let curl: String
    /// The town's root, against which a relative `ca_file` is resolved.
    let root: URL

    public init(settings: EmailSettings, password: String?, timeout: TimeInterval, processes: any ProcessRunning, clock: any WallClock,
                root: URL = URL(fileURLWithPath: "/"), curl: String = "curl") {
        self.settings = settings
        self.password = password
        self.timeout = timeout
        self.processes = processes
        self.clock = clock
        self.root = root
        self.curl = curl
    }

    public func deliver(_ entry: OutboxEntry, partDone: @Sendable (Int) async throws -> Void) async throws(DeliveryFailure) {
        let domain = settings.from.split(separator: "@").last.map(String.init) ?? "gateway.local"
        let message = EmailMessage(from: settings.from, to: settings.to, subject: entry.title, body: entry.text,
                                   date: clock.now(), messageID: entry.messageID(domain: domain.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))),
                                   urgent: entry.priority == .urgent)
        let messageFile = FileManager.default.temporaryDirectory.appendingPathComponent("gw-mail-\(UUID().uuidString).eml")
        defer { try? FileManager.default.removeItem(at: messageFile) }
        do {
            try FileSystem.writeAtomically(message.rendered(), to: messageFile, permissions: 0o600)
        } catch {
            throw .retry("could not write the message for curl: \(error.userMessage)")
        }
        let result: ProcessResult
        do {
            result = try await processes.run(command(messageFile: messageFile))
        } catch {
            throw .permanent("curl could not be started: \(error.userMessage); install curl (apt-get install curl)")
        }
        guard !result.succeeded else { return }
        throw Self.failure(status: result.status, stderr: result.stderr, settings: settings)
    }

    /// The curl call: every public setting on argv, the credentials only on stdin.
    public func command(messageFile: URL) -> Command {
        let scheme = settings.security == .implicit ? "smtps" : "smtp"
        var arguments = ["--silent", "--show-error", "--max-time", String(Int(timeout.rounded(.up))),
                         "--config", "-",
                         "--url", "\(scheme)://\(settings.host):\(settings.port)",
                         "--mail-from", Self.address(settings.from)]
        if settings.security == .starttls { arguments.append("--ssl-reqd") }
        if let caFile = settings.caFile { arguments += ["--cacert", SecretReference.fileURL(caFile, root: root).path] }
        for recipient in settings.to { arguments += ["--mail-rcpt", Self.address(recipient)] }
        if settings.auth != "auto", settings.username != nil { arguments += ["--login-options", "AUTH=\(settings.auth.uppercased())"] }
        arguments += ["--upload-file", messageFile.path]
        return Command(curl, arguments, standardInput: Data(curlConfig().utf8))
    }

    /// `user = "name:password"` in curl's config syntax, with `\` and `"` escaped.
    func curlConfig() -> String {
        guard let username = settings.username else { return "# no credentials\n" }
        let credentials = "\(username):\(password ?? "")"
            .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "user = \"\(credentials)\"\n"
    }

    /// `Name <a@b>` → `a@b`, for the SMTP envelope.
    static func address(_ text: String) -> String {
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            return String(text[text.index(after: open)..<close])
        }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// Maps curl's exit status to what the worker should do (curl's man page, EXIT CODES).
    static func failure(status: Int32, stderr: String, settings: EmailSettings) -> DeliveryFailure {
        let detail = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = "\(settings.host):\(settings.port)"
        switch status {
        case 67:
            return .permanent("the SMTP server \(server) refused the login for \(settings.username ?? "?") (\(detail)): check username and password_env/password_file")
        case 6:
            return .unreachable("the SMTP host \(settings.host) could not be resolved: check host")
        case 7:
            return .unreachable("could not connect to the SMTP server \(server): is it running, and is port right?")
        case 28:
            return .retry("the SMTP server \(server) did not finish within the timeout", uncertain: true)
        case 35, 58, 59, 60, 64, 83:
            return .permanent("TLS with the SMTP server \(server) failed (curl exit \(status): \(detail)): check tls and port (587 starttls, 465 implicit), or set ca_file for a server with a private certificate")
        case 52, 56:
            return .retry("the SMTP server \(server) dropped the connection (curl exit \(status): \(detail))", uncertain: true)
        default:
            return .retry("sending through \(server) failed (curl exit \(status): \(detail))")
        }
    }
}
