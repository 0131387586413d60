import Foundation
import GatewayKit
import Logging

enum Logging {
    /// Diagnostics go to stderr: warnings by default, everything with `--verbose`. The logger is built
    /// directly rather than through `LoggingSystem.bootstrap`, which a process may call only once.
    static func makeLogger(verbose: Bool) -> Logger {
        var logger = Logger(label: "gw") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = verbose ? .debug : .warning
        return logger
    }
}
