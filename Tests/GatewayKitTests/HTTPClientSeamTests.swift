import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify
import GatewayTestSupport

/// Notifications reach the network only through the environment's HTTP client. The targets' own tests
/// talk to real servers on loopback; these check the seam itself.
@Suite struct HTTPClientSeamTests {
    /// Records each request and answers 204.
    final class RecordingClient: HTTPClient, @unchecked Sendable {
        private let lock = NSLock()
        private var sent: [HTTPClientRequest] = []
        var requests: [HTTPClientRequest] { lock.withLock { sent } }

        func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
            lock.withLock { sent.append(request) }
            return HTTPClientResponse(status: 204)
        }
    }

    static let toml = """
        [notify.targets.hook]
        kind = "webhook"
        url = "https://hooks.example.com/notify"
        headers_env = { Authorization = "HOOK_AUTH" }
        timeout = "7s"
        """

    /// Delivers `entry` with a worker whose environment has `http` as its client.
    func deliver(_ rig: NotifyTestRig, _ entry: OutboxEntry, http: any HTTPClient) async throws -> OutboxEntry? {
        var environment = rig.environment
        environment.http = http
        let worker = OutboxWorker(town: rig.town, settings: try GatewayConfig.parse(Self.toml).notify, ledger: rig.ledger, environment: environment)
        let lease = try #require(try await OutboxLease.acquire(OutboxLease.file(for: rig.town), until: Date().addingTimeInterval(5), clock: SystemWallClock()))
        defer { lease.release() }
        return try await worker.deliver([entry.id], until: Date().addingTimeInterval(30), lease: lease).first
    }

    @Test func aWebhookIsPostedThroughTheEnvironmentsClient() async throws {
        let rig = try await NotifyTestRig(Self.toml, variables: ["HOOK_AUTH": "Bearer token"])
        let entry = try await rig.enqueue("manual:1", target: "hook", title: "T", text: "body")
        let client = RecordingClient()
        #expect(try await deliver(rig, entry, http: client)?.state == .delivered)
        let request = try #require(client.requests.first)
        #expect(client.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.url.absoluteString == "https://hooks.example.com/notify")
        #expect(request.headers == ["Content-Type": "application/json", "Authorization": "Bearer token"])
        #expect(request.timeout == 7)
        let body = try JSONSerialization.jsonObject(with: request.body ?? Data()) as? [String: String]
        #expect(body == ["title": "T", "text": "body", "priority": "normal", "source": "manual:1"])
    }

    @Test func anEnvironmentWithoutHTTPFailsTheNotificationSayingWhy() async throws {
        let rig = try await NotifyTestRig(Self.toml, variables: ["HOOK_AUTH": "Bearer token"])
        let entry = try await rig.enqueue("manual:1", target: "hook", text: "body")
        let final = try await deliver(rig, entry, http: UnconfiguredHTTPClient())
        #expect(final?.state == .failed)
        #expect(final?.lastError == "the webhook: this environment has no HTTP client (GatewayEnvironment was built without `http:`)")
    }
}
