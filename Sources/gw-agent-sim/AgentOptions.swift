import SimKit
import Foundation

/// The command line of gw-agent-sim: the subset of Claude Code's flags that Gateway passes, plus the
/// double's own `--rules` and `--old-version`. Unknown options are refused the way Claude Code refuses
/// them, so a Gateway bug that passes a wrong flag shows up against the double too.
struct AgentOptions {
    /// The version the double claims; `--old-version` claims one from before `prompt_id` and friends.
    static let currentVersion = "2.1.332"
    static let oldVersion = "2.1.30"
    static let permissionModes = ["default", "acceptEdits", "plan", "bypassPermissions", "auto", "dontAsk"]

    var sessionID: String?
    var resumeID: String?
    var settings: String?
    var permissionMode = "auto"
    var model = "claude-sonnet-4-5"
    var rulesPath: String?
    var oldVersion = false
    var showVersion = false
    /// A prompt given as the positional argument, submitted once the session has started.
    var initialPrompt: String?

    var version: String { oldVersion ? Self.oldVersion : Self.currentVersion }

    /// Options that take a value and that the double accepts without acting on them.
    static let ignoredWithValue: Set<String> = ["--append-system-prompt", "--add-dir", "--mcp-config", "--allowedTools", "--disallowedTools"]
    static let ignoredFlags: Set<String> = ["--verbose", "--debug", "--strict-mcp-config"]

    static func parse(_ arguments: [String], environment: [String: String]) throws(AgentSimError) -> AgentOptions {
        var options = AgentOptions()
        options.oldVersion = ["1", "true", "yes"].contains(environment["GW_SIM_OLD_VERSION"]?.lowercased() ?? "")
        var index = 0
        @discardableResult
        func value(_ name: String) throws(AgentSimError) -> String {
            index += 1
            guard index < arguments.count else { throw AgentSimError("error: option '\(name) <value>' argument missing") }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            // `--name=value` is accepted as Claude Code's own parser accepts it.
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                let name = String(argument[..<equals])
                var expanded = arguments
                expanded.replaceSubrange(index...index, with: [name, String(argument[argument.index(after: equals)...])])
                return try parse(expanded, environment: environment)
            }
            switch argument {
            case "--session-id": options.sessionID = try value(argument)
            case "--resume", "-r": options.resumeID = try value(argument)
            case "--settings": options.settings = try value(argument)
            case "--permission-mode":
                let mode = try value(argument)
                guard permissionModes.contains(mode) else {
                    throw AgentSimError("error: option '--permission-mode <mode>' argument '\(mode)' is invalid. Allowed choices are \(permissionModes.joined(separator: ", ")).")
                }
                options.permissionMode = mode
            case "--dangerously-skip-permissions": options.permissionMode = "bypassPermissions"
            case "--model": options.model = try value(argument)
            case "--rules": options.rulesPath = try value(argument)
            case "--old-version": options.oldVersion = true
            case "--version", "-v": options.showVersion = true
            default:
                if ignoredWithValue.contains(argument) {
                    try value(argument)
                } else if ignoredFlags.contains(argument) {
                    break
                } else if argument.hasPrefix("-") {
                    throw AgentSimError("error: unknown option '\(argument)'")
                } else if options.initialPrompt == nil {
                    options.initialPrompt = argument
                } else {
                    throw AgentSimError("error: too many arguments. Expected 1 argument but got \(arguments.filter { !$0.hasPrefix("-") }.count).")
                }
            }
            index += 1
        }
        if let id = options.sessionID, UUID(uuidString: id) == nil {
            throw AgentSimError("Error: Invalid session ID. Must be a valid UUID.")
        }
        return options
    }
}

/// A message for the person at the terminal, and the exit status that goes with it.
struct AgentSimError: Error, CustomStringConvertible {
    var message: String
    var status: Int32
    var description: String { message }

    init(_ message: String, status: Int32 = 1) {
        self.message = message
        self.status = status
    }
}
