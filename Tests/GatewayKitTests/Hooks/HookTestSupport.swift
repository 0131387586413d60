import Foundation
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHooks
import GatewayTestSupport

/// A fresh town made by the real installer, with a hook store over it.
struct HookTown {
    let directory = TemporaryDirectory("gw-hooks")
    let town: Town
    let environment: GatewayEnvironment
    let settings: HooksSettings

    init(settings: HooksSettings = .init(), clock: any WallClock = SystemWallClock()) async throws {
        let root = directory.path("town")
        let (environment, _) = GatewayEnvironment.test(workingDirectory: directory.url, clock: clock, processes: .live)
        self.environment = environment
        guard case .created(let town) = try await TownInstaller(environment: environment).install(at: root, name: nil, force: false) else {
            throw GatewayError("the test town was not created")
        }
        self.town = town
        self.settings = settings
    }

    var store: HookStore { HookStore(environment: environment, town: town, settings: settings) }

    /// Runs git in a folder and returns its stdout; fails the test when git fails.
    @discardableResult
    func git(_ arguments: String, in folder: URL? = nil) throws -> String {
        try shell("git \(arguments)", in: folder ?? town.root)
    }

    func commitCount(_ agent: String) throws -> Int {
        Int(try git("rev-list --count refs/heads/hooks/\(agent)").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
