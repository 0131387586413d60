import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
import GatewayTestSupport

@Suite struct ClaudeAccountFileTests {
    let directory = TemporaryDirectory("claude-account")

    func jsonObject(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func editsKeepEveryExistingKeyAndMakeABackupFirst() throws {
        let original = """
            {"numStartups": 7, "theme": "dark", "oauthAccount": {"emailAddress": "a@example.com", "nested": {"deep": [1, 2, {"x": true}]}},
             "projects": {"/elsewhere": {"allowedTools": ["Bash"], "hasTrustDialogAccepted": false, "lastCost": 0.25}},
             "customApiKeyResponses": {"approved": ["keep-this-approved-k"], "rejected": ["aaaaaaaaaaaaaaaaaaaa"]},
             "someFutureKey": null}
            """
        let file = ClaudeAccountFile(url: directory.path(".claude.json"))
        try original.write(to: file.url, atomically: true, encoding: .utf8)
        let project = directory.path("project")
        let key = "sk-local-0123456789-aaaaaaaaaaaaaaaaaaaa"
        #expect(try file.apply([.completeOnboarding, .trustFolder(project), .approveAPIKey(key)]))

        // The backup is the file exactly as it was.
        #expect(try String(contentsOf: file.backupURL, encoding: .utf8) == original)
        let root = try jsonObject(file.url)
        #expect(root["numStartups"] as? Int == 7)
        #expect(root["theme"] as? String == "dark")
        #expect(root["someFutureKey"] is NSNull)
        let account = try #require(root["oauthAccount"] as? [String: Any])
        let deep = try #require((account["nested"] as? [String: Any])?["deep"] as? [Any])
        #expect(deep.count == 3)
        #expect((deep[2] as? [String: Any])?["x"] as? Bool == true)
        let projects = try #require(root["projects"] as? [String: Any])
        let elsewhere = try #require(projects["/elsewhere"] as? [String: Any])
        #expect(elsewhere["allowedTools"] as? [String] == ["Bash"])
        #expect(elsewhere["hasTrustDialogAccepted"] as? Bool == false)
        #expect(elsewhere["lastCost"] as? Double == 0.25)
        let responses = try #require(root["customApiKeyResponses"] as? [String: Any])
        #expect(responses["approved"] as? [String] == ["keep-this-approved-k", "aaaaaaaaaaaaaaaaaaaa"])
        #expect(responses["rejected"] as? [String] == [], "an approved key is no longer listed as rejected")

        // Re-read through the API.
        #expect(try file.hasCompletedOnboarding())
        #expect(try file.isTrusted(project))
        #expect(try !file.isTrusted(URL(fileURLWithPath: "/elsewhere")))
        #expect(try file.isApproved(apiKey: key))
        #expect(ClaudeAccountFile.keySuffix(key) == "aaaaaaaaaaaaaaaaaaaa")
    }

    @Test func nothingToChangeWritesNothingAndALaterChangeKeepsTheFirstBackup() throws {
        let file = ClaudeAccountFile(url: directory.path(".claude.json"))
        try #"{"hasCompletedOnboarding": true}"#.write(to: file.url, atomically: true, encoding: .utf8)
        #expect(try !file.apply([.completeOnboarding]))
        #expect(!FileSystem.exists(file.backupURL))
        #expect(try file.apply([.trustFolder(directory.url)]))
        #expect(try file.apply([.approveAPIKey("another-key-that-is-long-enough")]))
        #expect(try String(contentsOf: file.backupURL, encoding: .utf8) == #"{"hasCompletedOnboarding": true}"#)
    }

    @Test func aMissingFileIsCreatedWithoutABackup() throws {
        let file = ClaudeConfigHome(variables: ["CLAUDE_CONFIG_DIR": directory.path("config").path, "HOME": "/nonexistent"]).accountFile
        #expect(file.url == directory.path("config/.claude.json"))
        try file.apply([.completeOnboarding, .trustFolder(directory.url)])
        #expect(try file.hasCompletedOnboarding())
        #expect(try file.isTrusted(directory.url))
        #expect(!FileSystem.exists(file.backupURL))
        let attributes = try FileManager.default.attributesOfItem(atPath: file.url.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600, "the account file may hold credentials")
    }

    @Test func badJSONIsReportedByNameAndLeftUntouched() throws {
        let file = ClaudeAccountFile(url: directory.path(".claude.json"))
        let broken = "{\"hasCompletedOnboarding\": true, \"projects\": {"
        try broken.write(to: file.url, atomically: true, encoding: .utf8)
        #expect {
            try file.apply([.completeOnboarding, .trustFolder(directory.url)])
        } throws: { error in
            "\(error)".contains(file.url.path) && "\(error)".contains("not a JSON object")
        }
        #expect(try String(contentsOf: file.url, encoding: .utf8) == broken)
        #expect(!FileSystem.exists(file.backupURL))
        try "[1, 2]".write(to: file.url, atomically: true, encoding: .utf8)
        #expect(throws: GatewayError.self) { try file.isTrusted(directory.url) }
    }

    @Test func homeAndLocalModelEnvironment() {
        let home = ClaudeConfigHome(variables: ["HOME": "/home/someone"])
        #expect(home.accountFile.url.path == "/home/someone/.claude.json")
        #expect(home.projectsDirectory.path == "/home/someone/.claude/projects")
        let configured = ClaudeConfigHome(variables: ["HOME": "/home/someone", "CLAUDE_CONFIG_DIR": "/tmp/cc"])
        #expect(configured.projectsDirectory.path == "/tmp/cc/projects")
        let model = ClaudeLocalModel(baseURL: "http://127.0.0.1:4000", apiKey: "local", configDirectory: URL(fileURLWithPath: "/tmp/cc"))
        #expect(model.environment == [
            "ANTHROPIC_BASE_URL": "http://127.0.0.1:4000", "ANTHROPIC_API_KEY": "local",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_AUTOUPDATER": "1", "CLAUDE_CONFIG_DIR": "/tmp/cc",
        ])
    }

    /// Polecats starting side by side each trust their folder: no edit is lost to another's write.
    @Test func concurrentTrustEditsAreAllKept() async throws {
        let directory = TemporaryDirectory("gw-account-concurrent")
        let file = ClaudeAccountFile(url: directory.path(".claude.json"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                group.addTask { try file.apply([.trustFolder(URL(fileURLWithPath: "/town/rig/polecats/p\(index)"))]) }
            }
            try await group.waitForAll()
        }
        for index in 0..<24 {
            #expect(try file.isTrusted(URL(fileURLWithPath: "/town/rig/polecats/p\(index)")), "p\(index)")
        }
    }
}

/// Readers of the account file that only the tests need: Gateway writes these keys and never reads them back.
extension ClaudeAccountFile {
    func hasCompletedOnboarding() throws -> Bool {
        try read()["hasCompletedOnboarding"] as? Bool == true
    }

    func isTrusted(_ folder: URL) throws -> Bool {
        let projects = try read()["projects"] as? [String: Any]
        let entry = projects?[folder.standardizedFileURL.path] as? [String: Any]
        return entry?["hasTrustDialogAccepted"] as? Bool == true
    }

    func isApproved(apiKey: String) throws -> Bool {
        let responses = try read()["customApiKeyResponses"] as? [String: Any]
        return (responses?["approved"] as? [String])?.contains(Self.keySuffix(apiKey)) == true
    }
}
