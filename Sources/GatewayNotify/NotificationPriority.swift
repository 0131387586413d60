import GatewayCore
/// How loudly a notification arrives: every channel marks an urgent one (a critical desktop
/// notification, a ‼️ Telegram title, an email's priority headers). The ledger stores the raw value.
public enum NotificationPriority: String, Sendable, Codable, CaseIterable {
    case normal
    case urgent

    /// Reads a priority a person or an agent gave; the error names the choices and what was given.
    public static func parse(_ text: String, given what: String) throws -> NotificationPriority {
        guard let priority = NotificationPriority(rawValue: text) else {
            throw GatewayError.usage("\(what) must be normal or urgent, not \"\(text)\"")
        }
        return priority
    }
}
