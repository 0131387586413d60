import Foundation
import GatewayCore
import GatewayAgents
import GatewayMemory
import GatewayNotify
import GatewayWork

/// Handles the end of one beat's turn: splits the reply by task, appends each finding to today's log in
/// the Mayor's hook (written only now, after the turn ended, so never at the same moment as the Mayor's
/// own edits; the commit takes both along), queues notifications — urgent lines to the urgent targets,
/// identical alerts within 24 hours suppressed — and closes the convoy's items. Every step is
/// idempotent, so handling a run twice (after a crash) changes nothing the second time.
struct BeatReplyHandler {
    let environment: GatewayEnvironment
    let town: Town
    let context: BeatRunner.Context

    static let alertWindow: TimeInterval = 24 * 3600

    var ledger: Ledger { context.ledger }
    var settings: HeartbeatSettings { context.config.heartbeat }
    var now: Date { environment.clock.now() }

    func handle(_ run: HeartbeatRun, turn: Turn) async throws {
        let tasks = run.tasks.compactMap { name in context.document.tasks.first { HeartbeatTask.key($0.name) == HeartbeatTask.key(name) } }
        guard turn.state == .done, let reply = turn.reply else {
            let error = turn.error ?? "the turn \(turn.state.rawValue)"
            for index in run.tasks.indices { try await finishItem(run, index, .failed, error: error) }
            // The next beat carries these tasks again, whatever their schedules say (docs/heartbeat.md).
            try await ledger.oweTasks(ofBeat: run.beatId, names: run.tasks, at: now)
            try await notifyFailure(run, error: error)
            try await ledger.markHeartbeatRunHandled(beatId: run.beatId, summary: "failed: \(error)")
            return
        }
        let parsed = HeartbeatReply.parse(reply, tasks: tasks, ackMaxChars: settings.ackMaxChars)
        var summary: [String] = []
        for (index, result) in parsed.results.enumerated() {
            let task = tasks.first { HeartbeatTask.key($0.name) == HeartbeatTask.key(result.taskName) }
            switch result.verdict {
            case .ok:
                try await finishItem(run, index, .done, summary: "HEARTBEAT_OK")
                summary.append("\(result.taskName): OK")
            case .missing:
                try await finishItem(run, index, .done, summary: "no section in the reply")
                summary.append("\(result.taskName): no answer")
            case .finding(let finding):
                let stored = try await store(finding, task: result.taskName, run: run)
                // An identical entry already in today's log is not written twice; point at the hook's head.
                var commit = stored.commit
                if commit == nil { commit = try await hookHead() }
                try await notify(finding, task: task, name: result.taskName, run: run)
                try await finishItem(run, index, .done, summary: String(finding.text.prefix(200)),
                                     result: commit.map { ConvoyResult(branch: "hooks/mayor", commit: $0) })
                summary.append("\(result.taskName): finding\(finding.isUrgent ? " (urgent)" : "") in \(stored.file)")
            }
        }
        try await ledger.markHeartbeatRunHandled(beatId: run.beatId, summary: summary.joined(separator: "; "))
    }

    /// Appends a finding to today's log under a timestamped task heading, committed to the Mayor's hook.
    func store(_ finding: HeartbeatReply.Finding, task: String, run: HeartbeatRun) async throws -> MemoryAppendResult {
        try await MemoryStore(environment: environment, town: town, config: context.config.memory)
            .append(finding.text, section: "Heartbeat — \(task)")
    }

    func hookHead() async throws -> String? {
        let head = try await environment.git.run(Git.revParse("HEAD", in: town.mayorDirectory))
        return head.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
    }

    func notify(_ finding: HeartbeatReply.Finding, task: HeartbeatTask?, name: String, run: HeartbeatRun) async throws {
        let normal = task?.notify ?? settings.notify
        let urgent = task?.urgent ?? settings.urgentTargets
        let targets = finding.isUrgent ? urgent : normal
        guard !targets.isEmpty else { return }
        let requests = targets.map { target in
            NotificationRequest(source: "heartbeat:\(run.beatId):\(HeartbeatTask.key(name))", target: target,
                                title: "\(finding.isUrgent ? "URGENT — " : "")\(name)", text: finding.message, priority: finding.isUrgent ? .urgent : .normal)
        }
        // The claim is per alert, not per target: one identical finding within 24 h is sent once.
        guard try await ledger.enqueueAlert(finding.alertKey, requests: requests, at: now, since: now.addingTimeInterval(-Self.alertWindow)) else {
            environment.logger.info("heartbeat \(run.beatId): \(name): identical alert within 24 h, not sent again")
            return
        }
    }

    /// A failed beat is reported once, to the urgent targets.
    func notifyFailure(_ run: HeartbeatRun, error: String) async throws {
        for target in settings.urgentTargets {
            _ = try await ledger.enqueueNotification(NotificationRequest(
                source: "heartbeat:\(run.beatId):failed", target: target, title: "Heartbeat failed",
                text: "The heartbeat's turn did not complete: \(error)", priority: .urgent), now: now)
        }
    }

    /// Ends a convoy item unless it already ended (a second handling after a crash).
    func finishItem(_ run: HeartbeatRun, _ index: Int, _ state: ConvoyItemState, summary: String? = nil,
                    error: String? = nil, result: ConvoyResult? = nil) async throws {
        guard let convoy = try await ledger.convoy(run.convoyId), index < convoy.items.count,
              !convoy.items[index].state.hasEnded else { return }
        try await ledger.markItem(convoy: run.convoyId, item: index + 1, state: state, at: now, agent: "mayor",
                                  result: result, summary: summary, error: error)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
