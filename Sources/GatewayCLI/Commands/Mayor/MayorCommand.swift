import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayAgents
import GatewayMemory

struct MayorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mayor", abstract: "The persistent agent session: start, attach, send, status, stop.",
        subcommands: [MayorStart.self, MayorAttach.self, MayorSend.self, MayorQueue.self, MayorCancel.self, MayorStatus.self, MayorStop.self, MayorRestart.self, MayorDeliver.self, MayorAllow.self, MayorDeny.self])
}

/// The Mayor's runtime for a command, from the town and its config.
struct MayorContext {
    let environment: GatewayEnvironment
    let town: Town
    let config: GatewayConfig
    let lifecycle: AgentLifecycle

    init(_ global: GlobalOptions) throws {
        environment = global.environment
        town = try global.locateTown(environment)
        config = try town.loadConfig()
        lifecycle = AgentLifecycle(runtime: .mayor(environment: environment, town: town, config: config))
    }

    /// Without a daemon, this command delivers: first it finishes the replies a stopped daemon left
    /// `replied` (their extraction), which would otherwise hold the queue.
    func finishLeftReplies(ledger: Ledger) async throws {
        guard DaemonPidFile.runningPid(town) == nil else { return }
        let memory = config.memoryConfig
        try await ReplyBookkeeping(environment: environment, town: town, claudeHome: lifecycle.runtime.claudeHome) { memory }.finishAll(ledger: ledger)
    }

    func describeStart(_ outcome: AgentLifecycle.StartOutcome) -> String {
        switch outcome {
        case .alreadyRunning: "The Mayor is already running."
        case .started(let session, let resumed):
            resumed ? "Started the Mayor, resuming its conversation \(session)." : "Started the Mayor in a new conversation \(session)."
        }
    }
}

struct MayorStart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start the Mayor in tmux (does nothing if it runs).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Begin a new conversation instead of resuming the last one.") var fresh = false

    func run() async throws {
        let context = try MayorContext(global)
        let outcome = try await context.lifecycle.start(fresh: fresh)
        context.environment.output.line(context.describeStart(outcome) + " Attach with `gw mayor attach`.")
    }
}

struct MayorAttach: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "attach", abstract: "Attach this terminal to the Mayor, starting it first if needed; detach (C-b d) leaves it running.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = try MayorContext(global)
        _ = try await context.lifecycle.start()
        guard isatty(STDIN_FILENO) == 1 else {
            throw GatewayError("attaching needs a terminal; from a script use `gw mayor send` or `gw mayor status`")
        }
        let argv = context.lifecycle.runtime.tmux.attach(context.lifecycle.runtime.session).argv
        guard let tmux = ExecutableLookup.find("tmux") else { throw GatewayError("tmux is not installed: install it (apt-get install tmux, brew install tmux)") }
        // Hand the terminal over to tmux: exec replaces this process.
        let cArguments = ([tmux] + argv.dropFirst()).map { strdup($0) } + [nil]
        execv(tmux, cArguments)
        throw GatewayError("could not run tmux attach: \(String(cString: strerror(errno)))")
    }
}

struct MayorStop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop the Mayor; a turn in flight fails with a reason that says so.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = try MayorContext(global)
        let stopped = try await context.lifecycle.stop()
        context.environment.output.line(stopped ? "Stopped the Mayor. `gw mayor start` resumes its conversation." : "The Mayor was not running.")
    }
}

struct MayorRestart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restart", abstract: "Stop and start the Mayor, resuming its conversation (also clears a crash loop).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Begin a new conversation instead of resuming the last one.") var fresh = false

    func run() async throws {
        let context = try MayorContext(global)
        _ = try await context.lifecycle.stop()
        let outcome = try await context.lifecycle.start(fresh: fresh)
        context.environment.output.line(context.describeStart(outcome))
    }
}
