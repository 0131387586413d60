import Foundation

/// `gw demo`: Gateway's main job on its built-in default, in a temporary town, with no account.
/// Every step prints what it did; the demo fails (non-zero) if any step does not happen.
public struct DemoRun: Sendable {
    let environment: GatewayEnvironment

    public init(environment: GatewayEnvironment) { self.environment = environment }

    public func run(keep: Bool) async throws {
        let output = environment.output
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gw-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer {
            if keep {
                output.line("\nKept the demo town at \(base.appendingPathComponent("town").path)")
            } else {
                try? FileManager.default.removeItem(at: base)
            }
        }

        output.line("== 1. Install a town")
        let townDirectory = base.appendingPathComponent("town")
        guard case .created(let town) = try await TownInstaller(environment: environment).install(at: townDirectory, name: "demo", force: false) else {
            throw GatewayError("the demo town at \(townDirectory.path) already existed")
        }
        output.line("town at \(town.root.path), Mayor's hook at \(town.mayorDirectory.path)")

        output.line("\n== 2. Add a rig from a local project")
        let project = try await makeSampleProject(in: base)
        let rig = try await RigManager(environment: environment, town: town).add(name: "example", source: project.path)
        output.line("rig \(rig.name): bare clone at \(town.rigRepository(rig.name).path)")

        output.line("\n== 3. Add a crew worktree")
        let crew = try await CrewManager(environment: environment, town: town).add(name: "you", rig: rig.name)
        output.line("crew \(crew.name): \(crew.path) on \(crew.branch)")

        output.line("\n== 4. gw status")
        let status = try await TownStatusReader(environment: environment, town: town).read()
        guard status.rigs.first?.crew.first?.name == "you" else {
            throw GatewayError("the demo's status does not show the crew it just added")
        }
        output.line("town \(status.town.name): \(status.rigs.count) rig, \(status.rigs[0].crew.count) crew, Mayor \(status.mayor.state), heartbeat every \(status.heartbeat.every ?? "off")")
        output.line("\nDemo finished: town, rig and crew work. (The Mayor and heartbeat join this demo as they land.)")
    }

    /// A small git project to add as a rig, so the demo needs no network.
    private func makeSampleProject(in base: URL) async throws -> URL {
        let project = base.appendingPathComponent("example-project")
        let git = environment.git
        try await git.run(Git.initRepository(project))
        try await git.ensureIdentity(in: project)
        try FileSystem.writeAtomically("# Example project\n\nA project the Gateway demo adds as a rig.\n",
                                       to: project.appendingPathComponent("README.md"))
        try await git.run(Git.add(["README.md"], in: project))
        try await git.run(Git.commit(message: "Start the example project", in: project))
        return project
    }
}
