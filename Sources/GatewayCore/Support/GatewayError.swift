import Foundation

/// Exit codes scripts can rely on (CLI.md): 0 ok, 1 failed, 2 usage, 78 config error.
public enum ExitStatus: Int32, Sendable {
    case ok = 0
    case failure = 1
    case usage = 2
    case config = 78
}

/// An error that reads as an instruction: what happened, and the command that fixes it.
public struct GatewayError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public var exit: ExitStatus

    public init(_ message: String, exit: ExitStatus = .failure) {
        self.message = message
        self.exit = exit
    }

    public var description: String { message }

    /// A config problem that names the file, the line and the key.
    public static func config(_ problems: [ConfigProblem]) -> GatewayError {
        GatewayError(problems.map(\.description).joined(separator: "\n"), exit: .config)
    }

    public static func usage(_ message: String) -> GatewayError {
        GatewayError(message, exit: .usage)
    }
}

extension Error {
    /// The user-facing text of any error.
    package var userMessage: String { (self as? GatewayError)?.message ?? String(describing: self) }
}
