import Foundation
import GatewayCore
import GatewayTestSupport

/// A Gas Town town generated for a test, with real git repositories: two "remote" projects outside it;
/// `mayor/town.json`; `mayor/rigs.json` naming rig `app` (a file:// URL) and rig `lib` (a plain path);
/// each rig's shared bare clone `.repo.git`; crew `app/ann` on branch `crew/ann`, pushed; crew `app/bob`
/// on main with a commit it never pushed, an uncommitted change and an untracked file; crew `app/dan`
/// on branch `spike`, pushed and since deleted from the remote; crew `lib/cat`,
/// clean; and in `.beads/formulas/` a formula Gateway's parser accepts, one it does not (Gas Town's
/// `type` key) and one that is not UTF-8.
struct GasTownFixture {
    let root: URL
    let town: URL
    let appRemote: URL
    let libRemote: URL

    static let goodFormula = """
        formula = "survey"
        description = "Look at a topic and write down what was found"
        version = 1

        [vars.topic]
        description = "What to look at"
        required = true

        [[steps]]
        id = "look"
        title = "Look at {{topic}}"
        description = "Read what there is."

        [[steps]]
        id = "write"
        title = "Write it down"
        needs = ["look"]

        """

    static let gasTownOnlyFormula = """
        formula = "patrol"
        type = "workflow"
        version = 1

        [[steps]]
        id = "walk"
        title = "Walk the rounds"

        """

    init(in root: URL) async throws {
        self.root = root
        town = root.appendingPathComponent("gt")
        appRemote = try await makeProject(in: root, name: "app-remote")
        libRemote = try await makeProject(in: root, name: "lib-remote")
        try FileManager.default.createDirectory(at: town.appendingPathComponent("mayor"), withIntermediateDirectories: true)
        try Self.write(#"{"type": "town", "version": 2, "name": "test", "created_at": "2026-01-02T03:04:05Z"}"#, to: town.appendingPathComponent("mayor/town.json"))
        try Self.write("""
            {
              "version": 1,
              "rigs": {
                "app": {"git_url": "file://\(appRemote.path)", "local_repo": "", "added_at": "2026-01-02T03:04:05Z", "beads": {"repo": "local", "prefix": "ap"}},
                "lib": {"git_url": "\(libRemote.path)", "added_at": "2026-01-02T03:04:05Z"}
              }
            }
            """, to: rigsFile)
        let identity = "-c user.email=gt@example.com -c user.name=GasTown"
        for (rig, remote) in [("app", appRemote), ("lib", libRemote)] {
            try FileManager.default.createDirectory(at: town.appendingPathComponent("\(rig)/crew"), withIntermediateDirectories: true)
            try await shell("git clone -q --bare '\(remote.path)' \(rig)/.repo.git", in: town)
        }
        try await shell("""
            git clone -q '\(appRemote.path)' app/crew/ann && cd app/crew/ann && git checkout -q -b crew/ann \
            && echo pushed > ann.txt && git add ann.txt && git \(identity) commit -q -m "ann's pushed work" && git push -q origin crew/ann
            """, in: town)
        try await shell("""
            git clone -q '\(appRemote.path)' app/crew/bob && cd app/crew/bob \
            && echo local > bob.txt && git add bob.txt && git \(identity) commit -q -m "bob's unpushed work" \
            && echo changed >> README.md && echo scratch > notes.txt
            """, in: town)
        // dan pushed branch `spike`, which the remote has since deleted: only dan's clone still records it.
        try await shell("""
            git clone -q '\(appRemote.path)' app/crew/dan && cd app/crew/dan && git checkout -q -b spike \
            && echo spike > spike.txt && git add spike.txt && git \(identity) commit -q -m "dan's spike" && git push -q origin spike \
            && git -C '\(appRemote.path)' branch -q -D spike
            """, in: town)
        try await shell("git clone -q '\(libRemote.path)' lib/crew/cat", in: town)
        let formulas = town.appendingPathComponent(".beads/formulas")
        try FileManager.default.createDirectory(at: formulas, withIntermediateDirectories: true)
        try Self.write(Self.goodFormula, to: formulas.appendingPathComponent("survey.formula.toml"))
        try Self.write(Self.gasTownOnlyFormula, to: formulas.appendingPathComponent("patrol.formula.toml"))
        try Data([0x66, 0x6F, 0x72, 0x6D, 0xFF, 0xFE, 0x0A]).write(to: formulas.appendingPathComponent("broken.formula.toml"))
    }

    var rigsFile: URL { town.appendingPathComponent("mayor/rigs.json") }
    var formulas: URL { town.appendingPathComponent(".beads/formulas") }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Every entry below `folder` — a file's bytes, a link's target, a folder's presence — to compare
    /// before and after: the import must change none of it, git's own files included.
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var entries: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: folder.path)!
        while let relative = walker.nextObject() as? String {
            let path = folder.appendingPathComponent(relative).path
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                entries[relative] = Data("link:\(target)".utf8)
            } else if FileSystem.isDirectory(URL(fileURLWithPath: path)) {
                entries[relative] = Data("folder".utf8)
            } else {
                entries[relative] = FileManager.default.contents(atPath: path) ?? Data("unreadable".utf8)
            }
        }
        return entries
    }
}
