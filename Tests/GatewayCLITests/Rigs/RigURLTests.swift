import Foundation
import LoopbackHTTP
import Testing
@testable import GatewayKit
@testable import GatewayWork
import GatewayTestSupport

/// Credentials in a rig URL are never stored (rigs.json, the bare clone's config) or printed (`gw rig
/// add`, `gw rig list --json`, `gw status`, clone errors).
struct RigURLTests {
    @Test func credentialsAreRedactedAndStripped() {
        #expect(RigURL.redacted("https://user:tok%40en@host/x.git") == "https://***@host/x.git")
        #expect(RigURL.withoutCredentials("https://user:tok%40en@host/x.git") == "https://host/x.git")
        // A token as the user name, GitHub-style; a password holding @ and :.
        #expect(RigURL.redacted("https://ghp_abc123@github.com/o/r") == "https://***@github.com/o/r")
        #expect(RigURL.redacted("http://u:p@ss:w@127.0.0.1:8/x.git") == "http://***@127.0.0.1:8/x.git")
        #expect(RigURL.withoutCredentials("http://u:p@ss:w@127.0.0.1:8/x.git") == "http://127.0.0.1:8/x.git")
        // No credential: an ssh user, scp-style, an @ in the path, a local path.
        for plain in ["ssh://git@host/x.git", "git@github.com:o/r.git", "https://host/a@b", "/srv/repo@2", "https://host/x.git"] {
            #expect(RigURL.redacted(plain) == plain)
            #expect(RigURL.withoutCredentials(plain) == plain)
        }
        #expect(RigURL.redacted("ssh://git:pw@host/x") == "ssh://***@host/x")
        let said = RigURL.redacting("fatal: unable to access 'http://user:s3cr%2Ft@h/x/': user s3cr/t", credentialsOf: "http://user:s3cr%2Ft@h/x")
        #expect(said == "fatal: unable to access 'http://***@h/x/': user ***")
    }

    @Test func aFailedCloneNeverEchoesTheCredential() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town)
        let secret = "tok-\(UUID().uuidString.prefix(8))"
        // Port 9 (discard) is closed on a test machine: the clone fails at once, and git names the URL.
        let result = await gw(["rig", "add", "app", "http://user:\(secret)@127.0.0.1:9/x.git", "--town", town.root.path], in: directory.url)
        #expect(result.code != 0)
        #expect(result.stderr.contains("127.0.0.1:9"), "\(result.stderr)")
        #expect(!(result.stderr + result.stdout).contains(secret), "\(result.stderr)")
    }

    /// A real clone over git's dumb HTTP protocol from a server that demands the URL's credentials.
    @Test func aClonedRigKeepsNoCredentialAnywhere() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town)
        let project = try await makeProject(in: directory.url)
        let served = directory.path("served.git")
        _ = try await shell("git clone --bare --quiet '\(project.path)' '\(served.path)' && git -C '\(served.path)' update-server-info", in: directory.url)
        let secret = "tok-\(UUID().uuidString.prefix(8))"
        let expected = "Basic " + Data("user:\(secret)".utf8).base64EncodedString()
        let root = served.path
        let server = try LoopbackHTTPServer { request, response in
            guard request.headers.first(where: { $0.key.lowercased() == "authorization" })?.value == expected else {
                response.respond(status: 401, headers: ["WWW-Authenticate": "Basic realm=\"git\""])
                return
            }
            let relative = request.path.replacingOccurrences(of: "/x.git", with: "")
            guard let data = FileManager.default.contents(atPath: root + relative) else { return response.respond(status: 404) }
            response.respond(status: 200, body: data)
        }
        defer { server.stop() }
        let url = "http://user:\(secret)@127.0.0.1:\(server.port)/x.git"
        let added = await gw(["rig", "add", "app", url, "--town", town.root.path], in: directory.url)
        #expect(added.code == 0, "\(added.stderr)")
        let list = await gw(["rig", "list", "--json", "--town", town.root.path], in: directory.url)
        let status = await gw(["status", "--json", "--town", town.root.path], in: directory.url)
        let statusText = await gw(["status", "--town", town.root.path], in: directory.url)
        let registry = try String(contentsOf: town.root.appendingPathComponent("rigs.json"), encoding: .utf8)
        let config = try await shell("git config --list", in: town.rigRepository("app"))
        let history = try await shell("git log -p --all", in: town.root)
        for (what, text) in [("rig add", added.stdout + added.stderr), ("rig list --json", list.stdout), ("status --json", status.stdout),
                             ("status", statusText.stdout), ("rigs.json", registry), ("the bare clone's config", config), ("the town's history", history)] {
            #expect(!text.contains(secret), "\(what) holds the credential: \(text)")
        }
        #expect(list.stdout.contains("http://***@127.0.0.1:\(server.port)/x.git"), "\(list.stdout)")
        #expect(config.contains("remote.origin.url=http://127.0.0.1:\(server.port)/x.git"), "\(config)")
    }
}
