import Foundation
import GatewayCore
import GatewayWork

/// Works out a Gas Town import once: the plan to show, and the steps `GasTownImport.run` takes. It
/// reads the Gas Town folder and the town, and changes neither.
struct GasTownSurvey {
    let environment: GatewayEnvironment
    let town: Town
    let source: GasTownTown

    /// A formula file is a page or two of TOML.
    static let formulaLimit = 1 << 20

    struct CrewStep {
        var crew: GasTownCrew
        /// The Gateway crew's branch: the Gas Town crew's own, or `crew/NAME` when that is the rig's
        /// default branch (a Gateway crew never works on it directly) or another crew's.
        var branch: String
        /// The clone's ref to fetch when the rig lacks `branch`.
        var pushed: String?
    }

    struct Steps {
        var rigs: [GasTownRig] = []
        var crew: [CrewStep] = []
        var formulas: [(name: String, text: String)] = []
    }

    static func crewTarget(_ crew: GasTownCrew) -> String { "\(crew.rig)/crew/\(crew.name)" }

    func survey() async throws -> (plan: GasTownImport.Plan, steps: Steps) {
        try source.check()
        try refuseTownInsideSource()
        var plan = GasTownImport.Plan(town: source.folder.path, items: [], skipped: [], unpushed: [], notes: [])
        var steps = Steps()
        for rig in readRigs(&plan) {
            guard let defaultBranch = surveyRig(rig, plan: &plan, steps: &steps) else { continue }
            await surveyCrew(of: rig.name, defaultBranch: defaultBranch, plan: &plan, steps: &steps)
        }
        surveyFormulas(plan: &plan, steps: &steps)
        if plan.items.isEmpty && plan.skipped.isEmpty {
            plan.notes.append("\(source.folder.path) names no rigs in mayor/rigs.json and has no formulas in .beads/formulas: nothing to import")
        }
        return (plan, steps)
    }

    /// Everything the import writes lands in the town: a town in the Gas Town folder would change the
    /// folder the import promises only to read. (Both tools suggest `~/gt`.)
    func refuseTownInsideSource() throws {
        let townPath = town.root.resolvingSymlinksInPath().path
        let sourcePath = source.folder.resolvingSymlinksInPath().path
        guard townPath == sourcePath || townPath.hasPrefix(sourcePath + "/") else { return }
        throw GatewayError.usage("the town \(town.root.path) is inside the Gas Town folder \(source.folder.path), which an import only reads: install the town elsewhere (`gw install ~/gateway`) and import from there")
    }

    func readRigs(_ plan: inout GasTownImport.Plan) -> [GasTownRig] {
        guard FileSystem.exists(source.rigsFile) || (try? FileManager.default.destinationOfSymbolicLink(atPath: source.rigsFile.path)) != nil else {
            plan.notes.append("\(source.rigsFile.path) does not exist: no rigs to import")
            return []
        }
        let text: String
        do {
            text = try ImportedFile.read(source.rigsFile, within: source.folder, limit: GasTownRigsFile.limit)
        } catch {
            plan.skipped.append(.init(source: source.rigsFile.path, reason: error.userMessage + "; no rigs were imported"))
            return []
        }
        let (rigs, skipped, notes) = GasTownRigsFile.parse(text, file: source.rigsFile.path)
        plan.skipped += skipped
        plan.notes += notes
        return rigs
    }

    /// Plans one rig; returns its default branch when its crew are to be looked at, nil when the rig
    /// is left out.
    func surveyRig(_ rig: GasTownRig, plan: inout GasTownImport.Plan, steps: inout Steps) -> String? {
        let folder = source.rigFolder(rig.name).path
        let shown = RigURL.redacted(rig.gitURL)
        let existing: RigRecord?
        do {
            existing = try RigRegistry(town: town).load().first { $0.name == rig.name }
        } catch {
            plan.skipped.append(.init(source: folder, reason: error.userMessage))
            return nil
        }
        if let existing {
            let sameSource = [RigURL.redacted(rig.gitURL), RigURL.redacted(environment.resolve(rig.gitURL).path)].contains(existing.source)
            guard sameSource else {
                plan.skipped.append(.init(source: folder, reason: "the town already has a rig named \(rig.name), from \(existing.source), not \(shown): left as it is, and its crew with it"))
                return nil
            }
            plan.items.append(.init(kind: "rig", source: folder, target: rig.name, action: "unchanged", detail: shown))
            return existing.defaultBranch
        }
        if FileSystem.exists(town.rigDirectory(rig.name)) {
            plan.skipped.append(.init(source: folder, reason: "\(town.rigDirectory(rig.name).path) already exists and is not a rig: move it away to import this rig"))
            return nil
        }
        let borrowed = FileSystem.isDirectory(source.bareClone(rig.name)) ? "; objects borrowed from \(source.bareClone(rig.name).path), then copied" : ""
        plan.items.append(.init(kind: "rig", source: folder, target: rig.name, action: "add", detail: shown + borrowed))
        steps.rigs.append(rig)
        return source.defaultBranch(of: rig.name) ?? "main"
    }

    func surveyCrew(of rig: String, defaultBranch: String, plan: inout GasTownImport.Plan, steps: inout Steps) async {
        let folders: [(name: String, url: URL)]
        do {
            folders = try source.crewFolders(of: rig)
        } catch {
            plan.skipped.append(.init(source: source.crewFolder(rig).path, reason: "cannot be read: \(error.localizedDescription)"))
            return
        }
        let reader = GasTownCrewReader(environment: environment, source: source)
        var taken: Set<String> = [defaultBranch]
        for (name, folder) in folders {
            let crew: GasTownCrew
            switch await reader.read(rig: rig, name: name, folder: folder) {
            case .failure(let problem):
                plan.skipped.append(.init(source: source.crewFolder(rig).appendingPathComponent(ImportedFile.shown(name)).path, reason: problem.message))
                continue
            case .success(let found): crew = found
            }
            if !crew.unpushed.isEmpty {
                plan.unpushed.append(.init(crew: "\(rig)/\(crew.name)", folder: folder.path, work: crew.unpushed))
            }
            let target = Self.crewTarget(crew)
            if FileSystem.exists(town.crewDirectory(rig, crew.name)) {
                plan.items.append(.init(kind: "crew", source: folder.path, target: target, action: "unchanged", detail: nil))
                continue
            }
            let own = !taken.contains(crew.branch)
            let branch = own ? crew.branch : CrewManager.branch(for: crew.name)
            taken.insert(branch)
            let start = crew.branch == defaultBranch ? "from \(defaultBranch) as the remote has it"
                : crew.pushed != nil ? "from \(crew.branch) as last pushed" : "from \(defaultBranch): \(crew.branch) was never pushed"
            plan.items.append(.init(kind: "crew", source: folder.path, target: target, action: "add", detail: "on \(branch), \(start)"))
            steps.crew.append(CrewStep(crew: crew, branch: branch, pushed: crew.branch == defaultBranch ? nil : crew.pushed))
        }
    }

    func surveyFormulas(plan: inout GasTownImport.Plan, steps: inout Steps) {
        let files: [URL]
        do {
            files = try source.formulaFiles()
        } catch {
            plan.skipped.append(.init(source: source.formulasFolder.path, reason: "cannot be read: \(error.localizedDescription)"))
            return
        }
        for file in files {
            let fileName = file.lastPathComponent
            let shownPath = source.formulasFolder.appendingPathComponent(ImportedFile.shown(fileName)).path
            guard fileName.hasSuffix(".formula.toml") else {
                plan.skipped.append(.init(source: shownPath, reason: "is a JSON formula; Gateway reads TOML formulas (formulas/NAME.toml): rewrite it by hand"))
                continue
            }
            let name = String(fileName.dropLast(".formula.toml".count))
            let text: String
            do {
                text = try ImportedFile.read(file, within: source.folder, limit: Self.formulaLimit)
                _ = try FormulaLibrary.check(text, name: name)
            } catch {
                let reason = error.userMessage.replacingOccurrences(of: "formulas/\(name).toml", with: fileName)
                plan.skipped.append(.init(source: shownPath, reason: ImportedFile.shown(reason.split(separator: "\n").joined(separator: "; "), limit: 600)))
                continue
            }
            let target = "formulas/\(name).toml"
            let destination = town.formulasDirectory.appendingPathComponent("\(name).toml")
            if FileSystem.exists(destination) {
                if (try? FileSystem.readText(destination)) == text {
                    plan.items.append(.init(kind: "formula", source: file.path, target: target, action: "unchanged", detail: nil))
                } else {
                    plan.skipped.append(.init(source: file.path, reason: "the town has its own \(target), which differs: left as it is (compare the two by hand)"))
                }
                continue
            }
            plan.items.append(.init(kind: "formula", source: file.path, target: target, action: "add", detail: nil))
            steps.formulas.append((name, text))
        }
    }
}
