import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork
import GatewayTestSupport

/// A Gas Town folder Gateway does not control: names that are path traversal, shell or tmux syntax,
/// control characters or huge; clone URLs that would run a program or carry a secret; a rigs.json that
/// is not JSON, has the wrong types, is huge, or is no regular file. Each is named with its file and
/// key and skipped. The imports here run with a process runner that fails the test on any command, so
/// "nothing runs" is checked, not hoped.
@Suite struct GasTownHostileInputTests {
    let source = TemporaryDirectory("gw-gastown-hostile")

    /// A Gas Town town with `rigs` as mayor/rigs.json.
    func gasTown(rigs: String?, name: String = "gt") throws -> GasTownTown {
        let folder = source.url.appendingPathComponent(name)
        try GasTownFixture.write("{}", to: folder.appendingPathComponent("mayor/town.json"))
        if let rigs { try GasTownFixture.write(rigs, to: folder.appendingPathComponent("mayor/rigs.json")) }
        return GasTownTown(folder: folder)
    }

    /// The import, with no process runner: any command it ran would fail the test.
    func importer(_ fixture: TestTown) -> GasTownImport {
        let (environment, _) = GatewayEnvironment.test(workingDirectory: fixture.town.root)
        return GasTownImport(environment: environment, town: fixture.town)
    }

    @Test func hostileRigNamesAndURLsAreNamedAndSkippedWithoutRunningAnything() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let huge = String(repeating: "r", count: 5000)
        let secret = "s3cr3t-token-\(UUID().uuidString.prefix(6))"
        let entries: [(name: String, url: String)] = [
            ("../escape", "/srv/x"), ("a;touch PWNED", "/srv/x"), ("nul\u{0}name", "/srv/x"), ("esc\u{1b}[31m", "/srv/x"),
            ("#{pane_id}", "/srv/x"), (huge, "/srv/x"), ("mayor", "/srv/x"),
            ("ext", "ext::sh -c touch% PWNED"), ("filehelper", "file::/srv/x"), ("dash", "-uupload-pack=touch PWNED"),
            ("secret", "https://ada:\(secret)@example.com/x.git"), ("space", "/srv/x y"), ("relative", "srv/x"),
        ]
        var rigs: [String: Any] = [:]
        for (name, url) in entries { rigs[name] = ["git_url": url] }
        rigs["wrong-type"] = ["git_url": 5]
        rigs["no-url"] = ["local_repo": "/srv/x"]
        rigs["not-an-object"] = [1, 2]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: ["version": 1, "rigs": rigs]), as: UTF8.self)
        let gasTown = try gasTown(rigs: json)

        let plan = try await importer(fixture).run(from: gasTown)
        #expect(plan.items.isEmpty, "\(plan.items)")
        let file = gasTown.rigsFile.path
        #expect(plan.skipped.count == entries.count + 3, "\(plan.skipped.map(\.source))")
        #expect(plan.skipped.allSatisfy { $0.source.hasPrefix("\(file): rigs.") }, "each names the file and the key")
        for name in ["../escape", "a;touch PWNED", "nul\\u{0}name", "esc\\u{1b}[31m", "#{pane_id}", "mayor"] {
            #expect(plan.skipped.contains { $0.source == "\(file): rigs.\(name)" && $0.reason.contains("not a rig name") }, "\(name)")
        }
        #expect(plan.skipped.contains { $0.source.contains("rrrr…") && $0.source.count < file.count + 120 }, "a huge name is cut short")
        #expect(plan.skipped.contains { $0.source.hasSuffix("rigs.ext.git_url") && $0.reason.contains("transport::address") })
        #expect(plan.skipped.contains { $0.source.hasSuffix("rigs.filehelper.git_url") && $0.reason.contains("transport::address") })
        #expect(plan.skipped.contains { $0.source.hasSuffix("rigs.dash.git_url") && $0.reason.contains("starts with -") })
        let credential = try #require(plan.skipped.first { $0.source.hasSuffix("rigs.secret.git_url") })
        #expect(credential.reason.contains("https://***@example.com/x.git") && credential.reason.contains("gw rig add"), "\(credential.reason)")
        #expect(plan.skipped.contains { $0.source.hasSuffix("rigs.wrong-type.git_url") && $0.reason.contains("is a number") })
        #expect(plan.skipped.contains { $0.source.hasSuffix("rigs.no-url.git_url") && $0.reason.contains("is missing") })
        #expect(plan.skipped.contains { $0.source.hasSuffix("rigs.not-an-object") && $0.reason.contains("is an array") })
        let everything = plan.skipped.map { "\($0.source) \($0.reason)" }.joined(separator: "\n")
        #expect(!everything.contains(secret) && !everything.contains("\u{0}") && !everything.contains("\u{1b}"))
        #expect(!FileSystem.exists(fixture.directory.url.appendingPathComponent("PWNED")) && !FileSystem.exists(fixture.town.root.appendingPathComponent("PWNED")))
        #expect(try RigRegistry(town: fixture.town).load().isEmpty)
    }

    @Test func aRigsFileThatIsNoRigsFileIsNamedAndTheRestGoesOn() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let cases: [(rigs: String, reason: String)] = [
            ("{\"rigs\": {\"app\": ", "is not JSON"),
            ("[1, 2, 3]", "is an array, not an object"),
            ("{\"version\": 1, \"rigs\": \"app\"}", "rigs: is a string"),
            ("{\"version\": 1}", "rigs: is missing"),
            ("{\"rigs\": {}, \"pad\": \"" + String(repeating: "x", count: 2 << 20) + "\"}", "more than the 1048576 an import reads"),
            (String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), "is not JSON"),
        ]
        for (index, (rigs, reason)) in cases.enumerated() {
            let gasTown = try gasTown(rigs: rigs, name: "gt\(index)")
            // A formula beside the bad rigs.json is still imported: one bad file stops nothing else.
            try GasTownFixture.write(GasTownFixture.goodFormula, to: gasTown.formulasFolder.appendingPathComponent("survey.formula.toml"))
            let plan = try await importer(fixture).plan(from: gasTown)
            let named = plan.skipped.map { "\($0.source): \($0.reason)" }
            #expect(named.contains { $0.hasPrefix(gasTown.rigsFile.path) && $0.contains(reason) }, "\(named)")
            #expect(plan.items.map(\.target) == ["formulas/survey.toml"])
        }
        // rigs.json as a FIFO would block a plain read for ever; as a link out of the town it is not followed.
        let fifo = try gasTown(rigs: nil, name: "gt-fifo")
        try await shell("mkfifo '\(fifo.rigsFile.path)'", in: source.url)
        #expect(try await importer(fixture).plan(from: fifo).skipped.contains { $0.source == fifo.rigsFile.path && $0.reason.contains("not a regular file") })
        let linked = try gasTown(rigs: nil, name: "gt-link")
        let outside = source.url.appendingPathComponent("elsewhere.json")
        try GasTownFixture.write("{\"version\": 1, \"rigs\": {}}", to: outside)
        try FileManager.default.createSymbolicLink(at: linked.rigsFile, withDestinationURL: outside)
        #expect(try await importer(fixture).plan(from: linked).skipped.contains { $0.source == linked.rigsFile.path && $0.reason.contains("outside") })
    }

    @Test func hostileCrewFoldersAndBranchesAreNamedWithoutRunningGit() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let gasTown = try gasTown(rigs: #"{"version": 1, "rigs": {"app": {"git_url": "/srv/app.git"}}}"#)
        let crew = gasTown.folder.appendingPathComponent("app/crew")
        func clone(_ name: String, head: String) throws {
            try GasTownFixture.write(head, to: crew.appendingPathComponent(name).appendingPathComponent(".git/HEAD"))
        }
        try clone("semi;colon", head: "ref: refs/heads/main\n")
        try clone("#{session_name}", head: "ref: refs/heads/main\n")
        try clone("tab\there", head: "ref: refs/heads/main\n")
        try clone("shell", head: "ref: refs/heads/x;touch PWNED\n")
        try clone("tmux", head: "ref: refs/heads/#{pane_id}\n")
        try clone("escape", head: "ref: refs/heads/a\u{1b}]0;title\u{7}\n")
        try clone("dots", head: "ref: refs/heads/../../etc\n")
        try clone("option", head: "ref: refs/heads/--upload-pack=x\n")
        try clone("long", head: "ref: refs/heads/" + String(repeating: "b", count: 300) + "\n")
        try clone("detached", head: "0123456789abcdef0123456789abcdef01234567\n")
        let plan = try await importer(fixture).plan(from: gasTown)
        #expect(plan.items.map(\.target) == ["app"], "only the rig is planned; no crew passes")
        let crewSkipped = plan.skipped.filter { $0.source.hasPrefix(crew.path) }
        #expect(crewSkipped.count == 10, "\(crewSkipped)")
        for name in ["semi;colon", "#{session_name}", "tab\\u{9}here"] {
            #expect(crewSkipped.contains { $0.source == crew.appendingPathComponent(name).path && $0.reason.contains("not a crew name") }, "\(name)")
        }
        for name in ["shell", "tmux", "escape", "dots", "option", "long"] {
            #expect(crewSkipped.contains { $0.source == crew.appendingPathComponent(name).path && $0.reason.contains("not a branch name Gateway takes over") }, "\(name)")
        }
        #expect(crewSkipped.contains { $0.source.hasSuffix("/detached") && $0.reason.contains("detached HEAD") })
        #expect(!crewSkipped.contains { $0.reason.contains("\u{1b}") })
    }

    @Test func hostileFormulaFilesAreNamedAndTheGoodOneIsCopied() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let gasTown = try gasTown(rigs: nil)
        let folder = gasTown.formulasFolder
        let good = GasTownFixture.goodFormula
        try GasTownFixture.write(good, to: folder.appendingPathComponent("survey.formula.toml"))
        try GasTownFixture.write(good.replacingOccurrences(of: "\"survey\"", with: "\"a;b\""), to: folder.appendingPathComponent("a;b.formula.toml"))
        try GasTownFixture.write(good, to: folder.appendingPathComponent("esc\u{1b}[2J.formula.toml"))
        try GasTownFixture.write(good + "# " + String(repeating: "x", count: 2 << 20) + "\n", to: folder.appendingPathComponent("huge.formula.toml"))
        try GasTownFixture.write("{}", to: folder.appendingPathComponent("json.formula.json"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dir.formula.toml"), withIntermediateDirectories: true)
        let secret = source.url.appendingPathComponent("secret.toml")
        try GasTownFixture.write(good.replacingOccurrences(of: "\"survey\"", with: "\"linked\""), to: secret)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("linked.formula.toml"), withDestinationURL: secret)

        let plan = try await importer(fixture).run(from: gasTown)
        #expect(plan.items.map(\.target) == ["formulas/survey.toml"], "\(plan.items)")
        func reason(_ file: String) -> String? { plan.skipped.first { $0.source == folder.appendingPathComponent(file).path }?.reason }
        #expect(reason("a;b.formula.toml")?.contains("not a formula name") == true, "\(plan.skipped)")
        #expect(reason("esc\\u{1b}[2J.formula.toml")?.contains("not a formula name") == true, "\(plan.skipped)")
        #expect(reason("huge.formula.toml")?.contains("more than the") == true)
        #expect(reason("json.formula.json")?.contains("TOML") == true)
        #expect(reason("dir.formula.toml")?.contains("folder") == true)
        #expect(reason("linked.formula.toml")?.contains("outside") == true)
        #expect(plan.skipped.count == 6, "\(plan.skipped)")
        let copied = try FileManager.default.contentsOfDirectory(atPath: fixture.town.formulasDirectory.path).filter { $0.hasSuffix(".toml") }
        #expect(copied == ["survey.toml"])
    }

    @Test func onlyOrdinaryCloneURLsPass() {
        for fine in ["https://github.com/o/r.git", "ssh://git@host/r.git", "git@github.com:o/r.git", "/srv/repo", "file:///srv/repo", "git://host/r"] {
            #expect(RigURL.transportProblem(fine) == nil, "\(fine)")
        }
        for bad in ["ext::sh -c x", "file::/srv/x", "fd::3", "-oProxyCommand=x", "http://h/a\u{0}b", "relative/path", "", "gopher://h/r",
                    "https://h/" + String(repeating: "a", count: 3000)] {
            #expect(RigURL.transportProblem(bad) != nil, "\(bad)")
        }
    }
}

/// Branch names read from another tool's clone: the shapes git accepts, in plain characters.
@Suite struct BranchNameTests {
    @Test(arguments: ["main", "crew/ann", "feature/x-1_2", "release-2.0", "v1.2.3"])
    func plainBranchesPass(_ branch: String) throws {
        try Names.validateBranch(branch)
    }

    @Test(arguments: ["", "-x", "a..b", "a/", "/a", "a//b", ".hidden", "a/.b", "x.lock", "a.", "HEAD", "x;y", "#{pane_id}", "a b",
                      "a\u{0}b", "a\u{1b}b", "a@{1}", "a~1", "a^", "a:b", "a?", "a*", "a[b", "a\\b", String(repeating: "b", count: 201)])
    func otherBranchesAreRefused(_ branch: String) {
        #expect(throws: GatewayError.self) { try Names.validateBranch(branch) }
    }
}
