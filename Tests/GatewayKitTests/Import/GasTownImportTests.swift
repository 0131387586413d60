import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork
import GatewayTestSupport

/// `gw import gastown` on a generated Gas Town town (`GasTownFixture`): rigs cloned from their
/// git_url with the Gas Town bare clone only borrowed from, crew re-created on their branches as the
/// remote has them with unpushed work left behind and named, the formulas Gateway parses copied and
/// the others named, a dry run that changes nothing, a second import that changes nothing, and the Gas
/// Town folder byte for byte as it was.
@Suite(.serialized) struct GasTownImportTests {
    let source = TemporaryDirectory("gw-gastown")

    func decode(_ json: String) throws -> GasTownImport.Plan {
        try JSONDecoder().decode(GasTownImport.Plan.self, from: Data(json.utf8))
    }

    @Test func importsRigsCrewAndFormulasOnceAndLeavesGasTownAlone() async throws {
        let gasTown = try await GasTownFixture(in: source.url)
        let fixture = try await TestTown()
        defer { fixture.close() }
        // Adding a rig commits rigs.json in the town repo, which needs a git identity.
        try "[user]\n\tname = Import Test\n\temail = import@example.com\n"
            .write(to: fixture.home.appendingPathComponent(".gitconfig"), atomically: true, encoding: .utf8)
        let town = fixture.town
        let before = try GasTownFixture.snapshot(gasTown.town)

        let dry = try decode(try await fixture.gwOK(["import", "gastown", gasTown.town.path, "--dry-run", "--json"]))
        #expect(dry.items.filter { $0.kind == "rig" && $0.action == "add" }.map(\.target) == ["app", "lib"])
        #expect(dry.items.filter { $0.kind == "crew" && $0.action == "add" }.map(\.target) == ["app/crew/ann", "app/crew/bob", "app/crew/dan", "lib/crew/cat"])
        #expect(dry.items.first { $0.target == "app/crew/ann" }?.detail?.hasPrefix("on crew/ann,") == true)
        #expect(dry.items.first { $0.target == "app/crew/bob" }?.detail?.hasPrefix("on crew/bob,") == true, "a crew on the default branch gets crew/NAME")
        #expect(dry.items.filter { $0.kind == "formula" }.map(\.target) == ["formulas/survey.toml"])
        let patrol = try #require(dry.skipped.first { $0.source.hasSuffix("patrol.formula.toml") })
        #expect(patrol.reason.contains("type") && patrol.reason.contains("unknown key"), "\(patrol.reason)")
        #expect(dry.skipped.contains { $0.source.hasSuffix("broken.formula.toml") && $0.reason.contains("UTF-8") }, "\(dry.skipped)")
        #expect(dry.unpushed == [GasTownImport.UnpushedWork(
            crew: "app/bob", folder: gasTown.town.appendingPathComponent("app/crew/bob").path,
            work: ["1 commit on main not on its remote", "1 uncommitted change", "1 untracked file"])])
        #expect(!FileSystem.exists(town.rigDirectory("app")) && !FileSystem.exists(town.formulasDirectory.appendingPathComponent("survey.toml")),
                "a dry run changes nothing")
        #expect(try RigRegistry(town: town).load().isEmpty)

        let done = try decode(try await fixture.gwOK(["import", "gastown", gasTown.town.path, "--json"]))
        #expect(done.changes.map(\.target) == ["app", "app/crew/ann", "app/crew/bob", "app/crew/dan", "lib", "lib/crew/cat", "formulas/survey.toml"], "\(done.skipped)")
        let rigs = try RigRegistry(town: town).load()
        #expect(rigs.map(\.source) == ["file://\(gasTown.appRemote.path)", gasTown.libRemote.path])
        for rig in ["app", "lib"] {
            let repository = town.rigRepository(rig)
            #expect(!FileSystem.exists(repository.appendingPathComponent("objects/info/alternates")),
                    "the rig keeps nothing linked to Gas Town's bare clone")
            let origin = try await shell("git config remote.origin.url", in: repository)
            #expect(!origin.contains(gasTown.town.path), "origin is the git_url, not the Gas Town folder: \(origin)")
        }
        let ann = town.crewDirectory("app", "ann")
        await #expect(try shell("git rev-parse --abbrev-ref HEAD", in: ann) == "crew/ann\n")
        await #expect(try shell("git rev-parse HEAD", in: ann) == (try shell("git rev-parse crew/ann", in: gasTown.appRemote)))
        #expect(FileSystem.exists(ann.appendingPathComponent("ann.txt")))
        let bob = town.crewDirectory("app", "bob")
        await #expect(try shell("git rev-parse --abbrev-ref HEAD", in: bob) == "crew/bob\n")
        await #expect(try shell("git rev-parse HEAD", in: bob) == (try shell("git rev-parse main", in: gasTown.appRemote)))
        #expect(!FileSystem.exists(bob.appendingPathComponent("bob.txt")) && !FileSystem.exists(bob.appendingPathComponent("notes.txt")),
                "bob's unpushed work stays in Gas Town")
        await #expect(try shell("git status --porcelain", in: bob) == "")
        let dan = town.crewDirectory("app", "dan")
        await #expect(try shell("git rev-parse --abbrev-ref HEAD", in: dan) == "spike\n")
        await #expect(try shell("git rev-parse HEAD", in: dan) == (try shell("git rev-parse refs/remotes/origin/spike", in: gasTown.town.appendingPathComponent("app/crew/dan"))),
                      "a branch the remote no longer has is fetched from the crew's clone, as it was pushed")
        await #expect(try shell("git rev-parse --abbrev-ref HEAD", in: town.crewDirectory("lib", "cat")) == "crew/cat\n")
        #expect(try String(contentsOf: town.formulasDirectory.appendingPathComponent("survey.toml"), encoding: .utf8) == GasTownFixture.goodFormula)
        let shown = try await fixture.gwOK(["formula", "show", "survey"])
        #expect(shown.contains("Look at"), "the town reads the imported formula: \(shown)")

        let again = try await fixture.gw(["import", "gastown", gasTown.town.path])
        #expect(again.succeeded, "\(again.stderr)")
        #expect(again.stdout.contains("Nothing to import"), "a second import changes nothing: \(again.stdout)")
        #expect(again.stdout.contains("kept           crew app/bob") && again.stdout.contains("1 commit on main not on its remote"), "\(again.stdout)")
        let secondPlan = try decode(try await fixture.gwOK(["import", "gastown", gasTown.town.path, "--json"]))
        #expect(secondPlan.changes.isEmpty && secondPlan.items.count == done.items.count)
        #expect(try GasTownFixture.snapshot(gasTown.town) == before, "the Gas Town folder is only read")
    }

    @Test func aFolderThatIsNoGasTownIsRefusedWithTheFix() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let result = try await fixture.gw(["import", "gastown", source.url.path])
        #expect(result.status == 2 && result.stderr.contains("\(source.url.path) is not a Gas Town town (it has no mayor/town.json)"), "\(result.stderr)")
        // A town inside the Gas Town folder would change the folder the import only reads.
        try GasTownFixture.write("{}", to: fixture.directory.url.appendingPathComponent("mayor/town.json"))
        let inside = try await fixture.gw(["import", "gastown", fixture.directory.url.path, "--dry-run"])
        #expect(inside.status == 2 && inside.stderr.contains("is inside the Gas Town folder"), "\(inside.stderr)")
        let help = try await fixture.gw(["import", "gastown", "--help"])
        #expect(help.stdout.contains("~/gt") && help.stdout.contains("GT_TOWN_ROOT"), "\(help.stdout)")
    }

    @Test func theDefaultFolderIsGasTownsOwn() {
        let home = URL(fileURLWithPath: "/home/ada")
        #expect(GasTownTown.defaultFolder(home: home, variables: [:]).path == "/home/ada/gt")
        #expect(GasTownTown.defaultFolder(home: home, variables: ["GT_TOWN_ROOT": "/srv/town"]).path == "/srv/town")
    }
}
