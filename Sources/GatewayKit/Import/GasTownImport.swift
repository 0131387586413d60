import Foundation
import GatewayCore
import GatewayWork

/// `gw import gastown`: a Gas Town town's rigs, crew and formulas brought into this town. Each rig is
/// added from its `git_url` (borrowing objects from Gas Town's bare clone to save the download, keeping
/// none of them linked); each crew becomes a crew worktree on its branch as the remote has it — work
/// that exists only in the Gas Town clone stays there, untouched, and is named; each formula Gateway's
/// parser accepts is copied into `formulas/`. The Gas Town folder is only read. A second import
/// changes nothing. Anything that cannot be read or trusted is named and skipped, and the rest goes on.
public struct GasTownImport: Sendable {
    let environment: GatewayEnvironment
    let town: Town

    public init(environment: GatewayEnvironment, town: Town) {
        self.environment = environment
        self.town = town
    }

    /// One thing the import does, or would do.
    public struct Item: Sendable, Codable, Equatable {
        /// rig, crew or formula.
        public var kind: String
        public var source: String
        /// The rig's name, `RIG/crew/NAME`, or `formulas/NAME.toml`.
        public var target: String
        /// add or unchanged.
        public var action: String
        /// The rig's URL (credentials hidden), the crew's branch and where it starts.
        public var detail: String?
    }

    /// Something the import left out, and why.
    public struct Skipped: Sendable, Codable, Equatable {
        public var source: String
        public var reason: String
    }

    /// A Gas Town crew clone holding work that exists nowhere else: it stays there.
    public struct UnpushedWork: Sendable, Codable, Equatable {
        /// `RIG/NAME`.
        public var crew: String
        public var folder: String
        public var work: [String]
    }

    public struct Plan: Sendable, Codable, Equatable {
        public var town: String
        public var items: [Item]
        public var skipped: [Skipped]
        public var unpushed: [UnpushedWork]
        public var notes: [String]

        public var changes: [Item] { items.filter { $0.action != "unchanged" } }
    }

    /// What the import would do, without changing anything.
    public func plan(from source: GasTownTown) async throws -> Plan {
        try await GasTownSurvey(environment: environment, town: town, source: source).survey().plan
    }

    /// Imports; returns what it did. A rig, crew or formula that fails is moved to the skipped list.
    public func run(from source: GasTownTown) async throws -> Plan {
        var (plan, steps) = try await GasTownSurvey(environment: environment, town: town, source: source).survey()
        func fail(_ target: String, _ reason: String) {
            guard let index = plan.items.firstIndex(where: { $0.target == target && $0.action != "unchanged" }) else { return }
            plan.skipped.append(Skipped(source: plan.items[index].source, reason: reason))
            plan.items.remove(at: index)
        }
        var failedRigs: Set<String> = []
        let rigs = RigManager(environment: environment, town: town)
        for rig in steps.rigs {
            let bare = source.bareClone(rig.name)
            do {
                _ = try await rigs.add(name: rig.name, source: rig.gitURL, reference: FileSystem.isDirectory(bare) ? bare : nil)
            } catch {
                failedRigs.insert(rig.name)
                fail(rig.name, error.userMessage)
            }
        }
        let crews = CrewManager(environment: environment, town: town)
        for step in steps.crew {
            let target = GasTownSurvey.crewTarget(step.crew)
            if failedRigs.contains(step.crew.rig) {
                fail(target, "its rig \(step.crew.rig) was not added")
                continue
            }
            do {
                _ = try await crews.adopt(name: step.crew.name, rig: step.crew.rig, branch: step.branch, clone: step.crew.folder, pushed: step.pushed)
            } catch {
                fail(target, error.userMessage)
            }
        }
        for formula in steps.formulas {
            do {
                try FileSystem.writeAtomically(formula.text, to: town.formulasDirectory.appendingPathComponent("\(formula.name).toml"))
            } catch {
                fail("formulas/\(formula.name).toml", error.userMessage)
            }
        }
        return plan
    }
}
