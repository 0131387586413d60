import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// Several `gw daemon start` at the same moment: one daemon runs, and every start says so and exits 0
/// — standing down because another daemon holds the town's lock is success, not an error.
@Suite(.serialized) struct DaemonStartRaceTests {
    @Test func simultaneousStartsAllSucceedAndOneDaemonRuns() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon)
        defer { town.close() }
        for round in 1...3 {
            async let first = town.gw(["daemon", "start"])
            async let second = town.gw(["daemon", "start"])
            async let third = town.gw(["daemon", "start"])
            let results = try await [first, second, third]
            for result in results {
                #expect(result.succeeded, "round \(round): \(result.stdout)\(result.stderr)")
            }
            let pid = try #require(DaemonPidFile.runningPid(town.town), "round \(round): no daemon runs")
            #expect(results.filter { $0.stdout.contains("Started the daemon (pid \(pid))") }.count == 1, "round \(round): \(results.map(\.stdout))")
            #expect(results.filter { $0.stdout.contains("already running (pid \(pid))") }.count == 2, "round \(round): \(results.map(\.stdout))")
            let stop = try await town.gw(["daemon", "stop"])
            #expect(stop.succeeded, "\(stop.stderr)")
        }
    }
}
