import Foundation
import GatewayKit
import GatewayCore
import GatewayWork

/// Marking a convoy item (one write transaction that may close the convoy), next to the ledger's
/// simplest write, `setInfo`, on the same file.
struct ConvoyBench: BenchSuite {
    let name = "convoy"
    let items = 200

    func run(_ reporter: BenchReporter) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gw-bench-convoy-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledger = try Ledger(file: folder.appendingPathComponent("ledger.sqlite"))
        let now = Date()
        let convoy = try await ledger.createConvoy(
            kind: "bench", title: "bench", items: (1...items).map { ConvoyItemPlan(title: "item \($0)") }, at: now)
        var infoTimes: [Double] = []
        var markTimes: [Double] = []
        for item in 1...items {
            infoTimes.append(try await milliseconds { try await ledger.setInfo("bench", "\(item)") })
            markTimes.append(try await milliseconds { try await ledger.markItem(convoy: convoy, item: item, state: .done, at: now) })
        }
        let infoMedian = Bench.percentile(infoTimes, 50)
        let markMedian = Bench.percentile(markTimes, 50)
        reporter.report("convoy.ledger_set_info_p50", infoMedian, "ms")
        reporter.report("convoy.mark_item_p50", markMedian, "ms", baseline: "convoy.ledger_set_info_p50")
        reporter.report("convoy.mark_over_set_info_ratio", markMedian / max(infoMedian, 0.001), "x")
        let closed = try await ledger.convoy(convoy)?.state
        guard closed == .closed else { throw GatewayError("the bench convoy did not close after its last item") }
    }

    private func milliseconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
    }
}
