import Foundation
import GatewayCore
import GatewayMemory
import GatewayWork

/// The daily memory-organising step: at the first beat after `[heartbeat] organize_at` (04:00 by
/// default) the Mayor gets one turn — the `memory-organize` formula — asking it to distil yesterday's
/// log into MEMORY.md, append only. A day whose log is missing or empty costs nothing. The turn is
/// queued before the beat that marks the day organised is recorded, and at most once per day (its
/// source names the day), so a crash in between neither loses nor doubles it.
struct OrganizeStep {
    let environment: GatewayEnvironment
    let town: Town
    let ledger: Ledger

    /// Queues the step for the day before `slotDay`; returns the turn id, or nil when there is nothing
    /// to organise or it was already queued.
    func queue(slotDay: LocalDay) async throws -> Int64? {
        let day = slotDay.adding(days: -1).description
        let log = town.mayorDirectory.appendingPathComponent(MemoryLog.relativePath(day: day))
        guard let text = try? String(contentsOf: log, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            environment.logger.info("memory-organize: no log for \(day), nothing to organise")
            return nil
        }
        let source = "memory-organize:\(day)"
        if try await ledger.recentTurns(agent: "mayor", limit: 200).contains(where: { $0.source == source }) { return nil }
        let prompt = try FormulaLibrary(town: town).load("memory-organize").render(variables: ["day": day])
        let turn = try await ledger.enqueueTurn(agent: "mayor", text: prompt, source: source, at: environment.clock.now())
        environment.logger.info("memory-organize: queued turn \(turn) for \(day)")
        return turn
    }
}
