import ArgumentParser
import Foundation
import GatewayKit
import Logging
import GatewayCore

/// The entry point: parse, run, and map errors to the exit codes scripts rely on.
public enum GatewayMain {
    public static func run(arguments: [String]? = nil) async {
        let code = await execute(arguments: arguments ?? Array(CommandLine.arguments.dropFirst()), environment: nil)
        exit(code)
    }

    /// Runs one command line and returns its exit code. Tests call this with their own environment.
    public static func execute(arguments: [String], environment: GatewayEnvironment?) async -> Int32 {
        let output = environment?.output ?? StandardOutput()
        do {
            if let line = AgentEventLine(arguments) {
                try await line.run(environment: environment)
                return 0
            }
            if let line = MemorySearchLine(arguments) {
                try await line.run(environment: environment)
                return 0
            }
            if let line = HookPutLine(arguments) {
                try await line.run(environment: environment)
                return 0
            }
            var command = try GatewayCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await CommandContext.$override.withValue(environment) {
                    try await asyncCommand.run()
                }
            } else {
                try command.run()
            }
            return 0
        } catch let error as GatewayError {
            output.errorLine("gw: \(error.message)")
            return error.exit.rawValue
        } catch let error as ConfigFailure {
            output.errorLine(error.description)
            return ExitStatus.config.rawValue
        } catch {
            let code = GatewayCommand.exitCode(for: error).rawValue
            let message = GatewayCommand.fullMessage(for: error)
            if code == 0 {
                if !message.isEmpty { output.line(message) }
            } else if !message.isEmpty {
                output.errorLine(message)
            }
            return code == 64 ? ExitStatus.usage.rawValue : code
        }
    }
}

/// Carries a test's environment into commands without a global.
enum CommandContext {
    @TaskLocal static var override: GatewayEnvironment?

    static func environment(verbose: Bool) -> GatewayEnvironment {
        if let override { return override }
        return .live(logger: Logging.makeLogger(verbose: verbose))
    }
}
