import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork
import GatewayTestSupport

/// `gw formula …` run as the built binary against a real installed town.
@Suite struct FormulaCommandTests {
    /// A fresh town with one formula of its own, `formulas/greet.toml`.
    static func town() async throws -> TestTown {
        let fixture = try await TestTown()
        try """
            formula = "greet"
            description = "Greet {{who}}."

            [vars.who]
            required = true

            [[steps]]
            id = "wave"
            title = "Wave at {{who}}"
            needs = ["look"]
            acceptance = "{{who}} waved back."

            [[steps]]
            id = "look"
            title = "Find {{who}}"
            acceptance = "You see {{who}}."
            """.write(to: fixture.town.formulasDirectory.appendingPathComponent("greet.toml"), atomically: true, encoding: .utf8)
        return fixture
    }

    @Test func renderPrintsTheExactPrompt() async throws {
        let fixture = try await Self.town()
        defer { fixture.close() }
        let town = fixture.town
        let result = try await runProduct("gw", ["formula", "render", "greet", "--var", "who=Ada", "--town", town.root.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            # Formula: greet

            Greet Ada.

            Work through these steps in order. A step is finished only when its acceptance line holds; check each off as you go.

            1. [ ] Find Ada
               Acceptance: You see Ada.

            2. [ ] Wave at Ada
               Acceptance: Ada waved back.

            """)
    }

    @Test func renderErrorsExitWithUsageOrConfigStatus() async throws {
        let fixture = try await Self.town()
        defer { fixture.close() }
        let town = fixture.town
        let missing = try await runProduct("gw", ["formula", "render", "greet", "--town", town.root.path])
        #expect(missing.status == 2)
        #expect(missing.stderr == "gw: formulas/greet.toml:4: vars.who: required variable has no value: add --var who=VALUE\n")
        let badSyntax = try await runProduct("gw", ["formula", "render", "greet", "--var", "who", "--town", town.root.path])
        #expect(badSyntax.status == 2)
        #expect(badSyntax.stderr == "gw: --var who is not NAME=VALUE: write it like --var topic=AI\n")

        try "[[steps]]\nid = \"a\"\ntitle = \"A\"\nneeds = [\"b\"]\n"
            .write(to: town.formulasDirectory.appendingPathComponent("bad.toml"), atomically: true, encoding: .utf8)
        let broken = try await runProduct("gw", ["formula", "render", "bad", "--town", town.root.path])
        #expect(broken.status == 78)
        #expect(broken.stderr == "gw: formulas/bad.toml:4: steps.0.needs: step \"a\" needs \"b\", which is no step here (steps: a)\n")
    }

    @Test func listAndShowAsJSON() async throws {
        let fixture = try await Self.town()
        defer { fixture.close() }
        let town = fixture.town
        let list = try await runProduct("gw", ["formula", "list", "--json", "--town", town.root.path])
        #expect(list.status == 0, "\(list.stderr)")
        let listings = try JSONDecoder().decode([FormulaLibrary.Listing].self, from: Data(list.stdout.utf8))
        #expect(listings.first == FormulaLibrary.Listing(name: "greet", source: .town, description: "Greet {{who}}.", problem: nil, overridesBuiltIn: false))
        #expect(listings.contains { $0.name == "daily-news" && $0.source == .builtIn })

        let text = try await runProduct("gw", ["formula", "list", "--town", town.root.path])
        #expect(text.stdout.hasPrefix("greet             town      Greet {{who}}.\nbug-fix           built-in  Fix this bug"))

        let show = try await runProduct("gw", ["formula", "show", "greet", "--json", "--town", town.root.path])
        #expect(show.status == 0, "\(show.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "greet")
        #expect(object["source"] as? String == "town")
        let steps = try #require(object["steps"] as? [[String: Any]])
        #expect(steps.map { $0["id"] as? String } == ["look", "wave"])
        let variables = try #require(object["variables"] as? [[String: Any]])
        #expect(variables.first?["name"] as? String == "who")
        #expect(variables.first?["required"] as? Bool == true)

        let shown = try await runProduct("gw", ["formula", "show", "daily-news", "--town", town.root.path])
        #expect(shown.stdout.contains("  1. search: Search today's {{topic}} news"))
        #expect(shown.stdout.contains("  topic     (default \"technology\")"))
    }
}
