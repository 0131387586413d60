import Foundation
import GatewayCore
import GatewayAgents
import GatewayChat

/// The PermissionRequest hook's wait for the owner's answer: the request goes in the ledger; when a chat
/// can answer (a `[chat.telegram]` that is not disabled, and a daemon to poll it) the daemon puts it to
/// the owner with Allow and Deny buttons, otherwise the owner is told to answer with `gw mayor allow`
/// or `deny`. The hook answers Claude Code with that answer — or denies once the wait passes
/// (`[chat.telegram]` or `[watchdog]` `permission_timeout`), so an unattended agent never hangs on it.
struct ChatPermissionWaiter {
    let environment: GatewayEnvironment
    let town: Town
    let ledger: Ledger
    let wait: TimeInterval

    /// How often the hook looks at the ledger for the answer: a button press shows within this.
    static let look: Duration = .milliseconds(200)

    /// How long a person's answer stands for the same call asked again (see `repeatChatPermission`).
    static let repeatWindow: TimeInterval = 120

    /// The hook's answer to Claude Code (its stdout), once decided.
    /// `asked`: what to do once a new request is recorded (tell the owner how to answer it).
    func decide(agent: String, tool: String, input: String, asked: (ChatPermission) async throws -> Void = { _ in }) async throws -> String {
        let now = environment.clock.now()
        if let repeated = try await ledger.repeatChatPermission(agent: agent, tool: tool, input: input, since: now.addingTimeInterval(-Self.repeatWindow), at: now) {
            environment.logger.info("permission \(repeated.id): \(agent) asked again for the same \(tool) call; the owner's answer of a moment ago stands (\(repeated.state.rawValue))")
            return repeated.state == .allowed ? Self.output(allow: true, message: nil) : Self.output(allow: false, message: "The owner denied this.")
        }
        let request = try await ledger.openChatPermission(agent: agent, tool: tool, input: input, deadline: now.addingTimeInterval(wait), at: now)
        DaemonDoorbell(town: town).ring(.hook, agent: agent)
        environment.logger.info("permission \(request.id): \(agent) asks to use \(tool); waiting up to \(Int(wait)) s for the owner's answer")
        do {
            try await asked(request)
        } catch {
            environment.logger.warning("permission \(request.id): telling the owner failed: \(error.userMessage)")
        }
        while true {
            guard let current = try await ledger.chatPermission(request.id) else { break }
            switch current.state {
            case .allowed: return Self.output(allow: true, message: nil)
            case .denied: return Self.output(allow: false, message: "The owner denied this.")
            case .timedOut: return Self.timedOut(wait)
            case .pending: break
            }
            if environment.clock.now() >= current.deadline {
                // Only when no answer came in between; else the answer is read on the next look.
                if try await ledger.expireChatPermission(request.id, at: environment.clock.now()) {
                    DaemonDoorbell(town: town).ring(.hook, agent: agent)
                    return Self.timedOut(wait)
                }
                continue
            }
            try await environment.clock.sleep(for: Self.look)
        }
        return Self.output(allow: false, message: "Gateway lost the request while waiting for the owner's answer.")
    }

    static func timedOut(_ wait: TimeInterval) -> String {
        output(allow: false, message: "No answer from the owner within \(ConfigDuration.seconds(wait)); denied. Ask again later, or carry on without it.")
    }

    /// `{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":…}}}`.
    static func output(allow: Bool, message: String?) -> String {
        var decision: [String: Any] = ["behavior": allow ? "allow" : "deny"]
        if let message { decision["message"] = message }
        let object: [String: Any] = ["hookSpecificOutput": ["hookEventName": "PermissionRequest", "decision": decision]]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
