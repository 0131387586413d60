import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayChat

struct MayorAllow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allow", abstract: "Allow what an agent waits for permission to do (the only request waiting, or the one named).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The request's id, as the notification and `gw mayor status` show it.") var request: Int64?

    func run() async throws { try await PermissionAnswer(global: global, request: request).answer(allow: true) }
}

struct MayorDeny: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deny", abstract: "Deny what an agent waits for permission to do; it carries on without it.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The request's id, as the notification and `gw mayor status` show it.") var request: Int64?

    func run() async throws { try await PermissionAnswer(global: global, request: request).answer(allow: false) }
}

/// The owner's answer from the terminal to a permission request an agent's hook waits on.
struct PermissionAnswer {
    let global: GlobalOptions
    let request: Int64?

    func answer(allow: Bool) async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let ledger = try environment.ledger(town)
        let pending = try await ledger.pendingChatPermissions()
        let chosen: ChatPermission
        if let request {
            guard let found = try await ledger.chatPermission(request) else { throw GatewayError.usage("no permission request \(request)") }
            guard found.state == .pending else {
                throw GatewayError.usage("permission request \(request) is already \(found.state.rawValue.replacingOccurrences(of: "_", with: " "))")
            }
            chosen = found
        } else {
            guard let only = pending.first else { throw GatewayError.usage("no agent waits for permission now") }
            guard pending.count == 1 else {
                throw GatewayError.usage("\(pending.count) requests wait: name one — " + pending.map { "\($0.id) (\($0.agent): \($0.tool))" }.joined(separator: ", "))
            }
            chosen = only
        }
        guard try await ledger.decideChatPermission(chosen.id, allow: allow, by: nil, at: environment.clock.now()) else {
            throw GatewayError("permission request \(chosen.id) was answered or timed out a moment ago")
        }
        // A daemon takes the chat's buttons away and says the outcome there.
        if DaemonPidFile.runningPid(town) != nil { DaemonDoorbell(town: town).ring(.hook, agent: chosen.agent) }
        environment.output.line("\(allow ? "Allowed" : "Denied") request \(chosen.id): \(chosen.agent) may\(allow ? "" : " not") use \(chosen.tool).")
    }
}
