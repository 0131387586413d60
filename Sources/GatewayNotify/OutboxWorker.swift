import Foundation
import GatewayCore

/// Delivers the outbox: each target's rows in order, one at a time, concurrently across targets.
///
/// The daemon holds an `OutboxLease` for its life and calls `deliverDue(now:)` whenever something may
/// be due (a new row, or `nextDue()` arriving); `gw notify send` does the same for a bounded time when
/// no daemon runs. Every row is marked `sending` before its network call, and the outcome is written
/// right after, so a killed worker leaves only `sending` rows behind, which the next one recovers.
/// Methods that change rows take the `OutboxLease` as proof that this process holds the outbox lock.
public struct OutboxWorker: Sendable {
    public let ledger: Ledger
    let settings: NotifySettings
    let environment: GatewayEnvironment
    let root: URL
    let limiter: RateLimiter
    let http: HTTPPoster
    /// Who resolves targets beyond gateway.toml's (a chat's replies); none outside the daemon.
    let routes: [any OutboxRoute]

    /// What one pass did.
    public struct Round: Sendable, Equatable {
        package init() {}

        public var delivered: [Int64] = []
        public var retrying: [Int64] = []
        public var failed: [Int64] = []
    }

    public init(town: Town, settings: NotifySettings, ledger: Ledger, environment: GatewayEnvironment,
                limiter: RateLimiter = .telegram(), routes: [any OutboxRoute] = []) {
        self.ledger = ledger
        self.routes = routes
        self.settings = settings
        self.environment = environment
        root = town.root
        self.limiter = limiter
        http = HTTPPoster(client: environment.http)
    }

    /// Run once after taking the lease: rows left `sending` by a dead worker become `uncertain` and are
    /// delivered again, because losing a notification is worse than the rare duplicate.
    @discardableResult
    public func recover(_ lease: OutboxLease) async throws -> [OutboxEntry] {
        let recovered = try await ledger.recoverInterruptedNotifications(now: environment.clock.now())
        for entry in recovered {
            environment.logger.warning("notification \(entry.id) to \(entry.target) was interrupted mid-delivery; delivering it again (a duplicate is possible)")
        }
        return recovered
    }

    /// Delivers every row due at `now`, target by target in order; stops a target at its first row that
    /// is not delivered. Rows not started by `deadline` wait for the next pass. Callers run passes one
    /// after another, never overlapping.
    @discardableResult
    public func deliverDue(now: Date, deadline: Date? = nil, lease: OutboxLease) async throws -> Round {
        var heads = try await ledger.outboxHeads()
        // No call is in flight between passes and the lease keeps other workers out, so a `sending` row
        // here is this worker's own, left when the ledger could not record a call's outcome: recover it
        // now, as after a crash, rather than hold its target back until the next daemon.
        if heads.contains(where: { $0.state == .sending }) {
            try await recover(lease)
            heads = try await ledger.outboxHeads()
        }
        heads = heads.filter { $0.nextAttemptAt <= now && routable($0.target) }
        return await withTaskGroup(of: Round.self) { group in
            for head in heads {
                group.addTask { await deliverTarget(head.target, now: now, deadline: deadline) }
            }
            var total = Round()
            for await round in group {
                total.delivered += round.delivered
                total.retrying += round.retrying
                total.failed += round.failed
            }
            return total
        }
    }

    /// When the next waiting row this worker can deliver becomes due, if any.
    public func nextDue() async throws -> Date? {
        try await ledger.outboxHeads().filter { routable($0.target) }.map(\.nextAttemptAt).min()
    }

    /// A routed target (`chat:…`) with no route here waits for a worker that has one (the daemon's).
    func routable(_ target: String) -> Bool {
        !routes.isEmpty || !target.hasPrefix(OutboxRoutes.prefix)
    }

    /// Delivers until every row in `ids` is delivered or failed, or `deadline` passes; sleeps until
    /// the next retry time in between. Returns the rows as they ended.
    public func deliver(_ ids: [Int64], until deadline: Date, lease: OutboxLease) async throws -> [OutboxEntry] {
        while true {
            let round = try await deliverDue(now: environment.clock.now(), deadline: deadline, lease: lease)
            var entries: [OutboxEntry] = []
            for id in ids { if let entry = try await ledger.outboxEntry(id) { entries.append(entry) } }
            if entries.allSatisfy({ $0.state == .delivered || $0.state == .failed }) { return entries }
            guard let next = try await nextDue(), next < deadline else { return entries }
            let wait = next.timeIntervalSince(environment.clock.now())
            // Due now yet nothing moved: the ledger is failing; stop rather than spin.
            if wait <= 0, round == Round() { return entries }
            // A millisecond past the due time, so the next pass finds the row due however the clock rounds.
            if wait > 0 { try await environment.clock.sleep(until: next.addingTimeInterval(0.001)) }
        }
    }

    private func deliverTarget(_ name: String, now: Date, deadline: Date?) async -> Round {
        var round = Round()
        let prepared = Result { () throws(DeliveryFailure) in try makeNotifier(name) }
        while deadline.map({ environment.clock.now() < $0 }) ?? true {
            let claimed: OutboxEntry?
            do {
                claimed = try await ledger.claimDue(target: name, now: max(now, environment.clock.now()))
            } catch {
                environment.logger.error("the outbox could not be read: \(error.userMessage)")
                return round
            }
            guard let entry = claimed else { return round }
            let outcome = await deliverOne(entry, prepared)
            switch outcome {
            case .delivered: round.delivered.append(entry.id)
            case .retrying: round.retrying.append(entry.id); return round
            case .failed: round.failed.append(entry.id)
            }
        }
        return round
    }

    enum Outcome { case delivered, retrying, failed }

    private func deliverOne(_ entry: OutboxEntry, _ prepared: Result<(any Notifier, SecretScrubber), DeliveryFailure>) async -> Outcome {
        let now = environment.clock.now()
        do {
            switch prepared {
            case .failure(let failure):
                try await ledger.markFailed(entry.id, error: failure.message, now: now)
                environment.logger.error("notification \(entry.id) to \(entry.target) failed: \(failure.message)")
                return .failed
            case .success(let (notifier, scrubber)):
                try await ledger.markSending(entry.id, now: now)
                do throws(DeliveryFailure) {
                    let ledger = self.ledger
                    let clock = environment.clock
                    try await notifier.deliver(entry) { parts in try await ledger.markPartsDone(entry.id, parts: parts, now: clock.now()) }
                } catch {
                    return try await record(error, for: entry, scrubber: scrubber)
                }
                try await ledger.markDelivered(entry.id, now: environment.clock.now())
                environment.logger.info("notification \(entry.id) delivered to \(entry.target)")
                return .delivered
            }
        } catch {
            // The ledger itself failed: the row stays as it is and the next worker recovers it.
            environment.logger.error("the outbox could not record notification \(entry.id): \(error.userMessage)")
            return .retrying
        }
    }

    private func record(_ failure: DeliveryFailure, for entry: OutboxEntry, scrubber: SecretScrubber) async throws -> Outcome {
        let now = environment.clock.now()
        let message = scrubber.scrub(failure.message)
        switch failure.action {
        case .permanent:
            try await ledger.markFailed(entry.id, error: message, now: now)
            environment.logger.error("notification \(entry.id) to \(entry.target) failed: \(message) (retry with `gw notify retry \(entry.id)`)")
            return .failed
        case .retry(let after, let uncertain, let counts):
            let attempts = entry.attempts + (counts ? 1 : 0)
            if counts, attempts >= settings.maxAttempts, !failure.waitsOutOutage {
                try await ledger.markFailed(entry.id, error: "\(message) (gave up after \(attempts) attempts)", now: now)
                environment.logger.error("notification \(entry.id) to \(entry.target) failed after \(attempts) attempts: \(message)")
                return .failed
            }
            let delay = after ?? backoff(attempts: attempts)
            try await ledger.scheduleRetry(entry.id, at: now.addingTimeInterval(delay), error: message,
                                           countAttempt: counts, uncertain: uncertain, now: now)
            environment.logger.warning("notification \(entry.id) to \(entry.target): \(message); retrying in \(String(format: "%.1f", delay))s")
            return .retrying
        }
    }

    /// `backoff`, doubling with each attempt, capped at `max_backoff`.
    func backoff(attempts: Int) -> TimeInterval {
        let doubled = settings.backoff.seconds * pow(2, Double(max(attempts - 1, 0)))
        return min(doubled, settings.maxBackoff.seconds)
    }

    /// The notifier for a target, with its secrets resolved; a missing target or secret fails the row.
    func makeNotifier(_ name: String) throws(DeliveryFailure) -> (any Notifier, SecretScrubber) {
        let services = OutboxRouteServices(limiter: limiter, http: http, clock: environment.clock, variables: environment.variables, root: root)
        for route in routes {
            if let routed = try route.notifier(for: name, services: services) { return routed }
        }
        guard let target = settings.targets[name] else {
            throw .permanent("no target named \"\(name)\" in gateway.toml any more: add it back, then `gw notify retry`")
        }
        let variables = environment.variables
        func secret(_ reference: SecretReference) throws(DeliveryFailure) -> String {
            do { return try reference.resolve(variables: variables, root: root) } catch { throw .permanent(error.userMessage) }
        }
        let timeout = target.timeout.seconds
        switch target.kind {
        case .telegram(let telegram):
            let token = try secret(telegram.token)
            return (TelegramNotifier(settings: telegram, token: token, timeout: timeout, limiter: limiter, http: http, clock: environment.clock), SecretScrubber([token]))
        case .email(let email):
            let password = try email.password.map { reference throws(DeliveryFailure) in try secret(reference) }
            return (EmailNotifier(settings: email, password: password, timeout: timeout, processes: environment.processes, clock: environment.clock, root: root),
                    SecretScrubber(password.map { [$0] } ?? []))
        case .webhook(let webhook):
            var headers: [String: String] = [:]
            for (name, reference) in webhook.headers { headers[name] = try secret(reference) }
            return (WebhookNotifier(url: webhook.url, headers: headers, timeout: timeout, http: http), SecretScrubber(Array(headers.values)))
        case .desktop:
            return (DesktopNotifier(processes: environment.processes, path: variables["PATH"]), SecretScrubber([]))
        case .console:
            return (ConsoleNotifier(output: environment.output, targetName: name), SecretScrubber([]))
        }
    }
}
