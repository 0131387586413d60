import Foundation
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHooks
import GatewayTestSupport

extension TestTown {
    /// The town's hook store with `settings` (the defaults unless a test says otherwise).
    func hookStore(settings: HooksSettings = HooksSettings()) -> HookStore {
        HookStore(environment: environment, town: town, settings: settings)
    }

    var store: HookStore { hookStore() }

    /// Runs git in a folder (the town's root by default) and returns its stdout; fails the test when git fails.
    @discardableResult
    func git(_ arguments: String, in folder: URL? = nil) async throws -> String {
        try await shell("git \(arguments)", in: folder ?? town.root)
    }

    func commitCount(_ agent: String) async throws -> Int {
        Int(try await git("rev-list --count refs/heads/hooks/\(agent)").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
