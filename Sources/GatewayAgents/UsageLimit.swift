import Foundation
import GRDB
import GatewayCore

/// A usage or rate limit the agent reports: Claude Code's StopFailure with `error: "rate_limit"`, or its
/// "…limit reached… resets 3pm" line — as a turn's last message or on its screen. Deliveries to the
/// agent then pause until the reset it names, or for a backoff when it names none; nothing restarts,
/// since the agent is fine and a restart would hit the same limit.
public enum UsageLimit {
    /// Whether a hook's `error` or last message says a limit was hit. A message counts only when it is
    /// Claude Code's own short notice — it opens with the limit's words — so a reply that merely quotes
    /// them (a prompt echoed, a chat message) pauses nothing.
    public static func isLimit(error: String?, message: String?) -> Bool {
        if let error, error.hasPrefix("rate_limit") || error.hasPrefix("usage_limit") { return true }
        guard let message, message.utf8.count <= 400, let first = message.split(whereSeparator: \.isNewline).first else { return false }
        return isLimitLine(String(first))
    }

    /// The first line of `text` that is a limit notice, if one is.
    public static func limitLine(in text: String) -> String? {
        text.split(whereSeparator: \.isNewline).lazy.map { String($0.prefix(300)) }.first(where: isLimitLine)
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// A line that opens (after Claude's bullet and indent marks) with a limit notice: "Claude AI usage
    /// limit reached…", "5-hour limit reached ∙ resets 3pm", "You've hit your limit · resets 3pm".
    public static func isLimitLine(_ line: String) -> Bool {
        let body = line.drop { $0.isWhitespace || "⎿●⏺✻*•·-│".contains($0) }.lowercased()
        guard body.count <= 300 else { return false }
        if body.hasPrefix("you've hit your") || body.hasPrefix("you have hit your") || body.hasPrefix("you’ve hit your") {
            return body.contains("limit")
        }
        guard let reached = body.range(of: "limit reached") else { return false }
        // At most a few words before it ("Claude AI usage", "5-hour", "Opus weekly").
        return body[..<reached.lowerBound].split(separator: " ").count <= 4
    }

    /// When the limit resets, as `text` names it: `resets 3pm`, `resets 3:30pm`, `resets at 15:00`, each
    /// optionally with its zone in parentheses (`resets 3pm (Europe/Berlin)`), or the `|1765000000` epoch
    /// an older Claude Code appended. The next such time after `now`; nil when none is named.
    public static func resetTime(in text: String, now: Date, zone: TimeZone) -> Date? {
        if let bar = text.lastIndex(of: "|"), let epoch = Double(text[text.index(after: bar)...].prefix(12).trimmingCharacters(in: .whitespaces)),
           epoch > now.timeIntervalSince1970, epoch < now.timeIntervalSince1970 + 8 * 86_400 {
            return Date(timeIntervalSince1970: epoch)
        }
        let lower = text.lowercased()
        guard let range = lower.range(of: "reset") else { return nil }
        var rest = lower[range.upperBound...].drop { $0.isLetter }.drop { $0 == " " }
        if rest.hasPrefix("at ") { rest = rest.dropFirst(3) }
        let timeText = rest.prefix { $0.isNumber || $0 == ":" || $0 == "a" || $0 == "p" || $0 == "m" || $0 == " " }
            .trimmingCharacters(in: .whitespaces)
        guard let (hour, minute) = clockTime(timeText) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zoneNamed(after: rest) ?? zone
        let next = calendar.nextDate(after: now, matching: DateComponents(hour: hour, minute: minute, second: 0), matchingPolicy: .nextTime)
        return next
    }

    /// `3pm`, `3:30 pm`, `15:00`, `12am` → (hour, minute).
    static func clockTime(_ text: String) -> (Int, Int)? {
        var body = text.replacingOccurrences(of: " ", with: "")
        var offset: Int?
        if body.hasSuffix("am") { offset = 0; body.removeLast(2) } else if body.hasSuffix("pm") { offset = 12; body.removeLast(2) }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let hour = Int(parts[0]), parts.count == 1 || parts[1].count == 2,
              let minute = parts.count == 2 ? Int(parts[1]) : 0, (0...59).contains(minute) else { return nil }
        if let offset {
            guard (1...12).contains(hour) else { return nil }
            return ((hour % 12) + offset, minute)
        }
        guard parts.count == 2, (0...23).contains(hour) else { return nil }
        return (hour, minute)
    }

    /// A zone named in parentheses after the time, if it is one the system knows.
    static func zoneNamed(after text: Substring) -> TimeZone? {
        guard let open = text.firstIndex(of: "("), let close = text[open...].firstIndex(of: ")") else { return nil }
        let name = text[text.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
        guard name.count <= 64 else { return nil }
        return TimeZone.knownTimeZoneIdentifiers.first { $0.lowercased() == name }.flatMap(TimeZone.init(identifier:))
    }

    /// The pause after the `strikes`-th limit in a row that names no reset: the backoff doubled each
    /// time, at most an hour.
    public static func backoff(_ base: ConfigDuration, strikes: Int) -> TimeInterval {
        min(3600, base.seconds * pow(2, Double(min(max(strikes - 1, 0), 12))))
    }
}

extension Ledger {
    /// Pauses deliveries to `agent` until `until` for a limit, one more strike in a row. Returns false
    /// when a pause already ran at least that long (the same limit seen twice: nobody is told again).
    public func pauseAgentForLimit(_ agent: String, until: Date, reason: String) throws -> Bool {
        try database.write { db in
            let current = try Double.fetchOne(db, sql: "SELECT paused_until FROM agents WHERE name = ?", arguments: [agent])
            if let current, current >= until.timeIntervalSince1970 - 1 { return false }
            try db.execute(sql: "UPDATE agents SET paused_until = ?, pause_reason = ?, limit_strikes = limit_strikes + 1 WHERE name = ?",
                           arguments: [until.timeIntervalSince1970, reason, agent])
            return db.changesCount > 0
        }
    }

    /// How many limits `agent` hit in a row (reset by a turn that ends well).
    public func limitStrikes(_ agent: String) throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT limit_strikes FROM agents WHERE name = ?", arguments: [agent]) ?? 0 }
    }

    /// A turn ended well: the limits are behind it.
    public func clearLimitStrikes(_ agent: String) throws {
        // Read first: every Stop calls this, and a write would cost the hook a transaction for nothing.
        let pending = try database.read { db in
            try Bool.fetchOne(db, sql: "SELECT limit_strikes > 0 OR pause_reason IS NOT NULL FROM agents WHERE name = ?", arguments: [agent]) ?? false
        }
        guard pending else { return }
        try database.write { db in
            try db.execute(sql: "UPDATE agents SET limit_strikes = 0, pause_reason = NULL WHERE name = ? AND (limit_strikes > 0 OR pause_reason IS NOT NULL)",
                           arguments: [agent])
        }
    }

    /// Why the agent was last paused for a limit, since its last turn that ended well.
    public func lastLimitReason(_ agent: String) throws -> String? {
        try database.read { db in try String.fetchOne(db, sql: "SELECT pause_reason FROM agents WHERE name = ?", arguments: [agent]) }
    }

    /// The limit pause in force for `agent` at `now`, if any.
    public func limitPause(_ agent: String, at now: Date) throws -> (until: Date, reason: String)? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT paused_until, pause_reason FROM agents WHERE name = ?", arguments: [agent]),
                  let until = row["paused_until"] as Double?, until > now.timeIntervalSince1970 else { return nil }
            return (Date(timeIntervalSince1970: until), row["pause_reason"] ?? "a usage limit")
        }
    }
}
