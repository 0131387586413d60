import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces this process with another program (`execv`), keeping its pid, stdin, stdout, stderr and
/// environment: how `gw mcp serve` becomes `gw-mcp` with Claude Code's pipes still attached.
public enum ProcessReplacement {
    /// Returns only by throwing, when the program could not be started.
    public static func exec(_ executable: String, arguments: [String]) throws -> Never {
        // A blocked signal mask and ignored signals survive exec: the thread this runs on may block
        // signals (Dispatch's pool does) and the process runner ignores SIGPIPE. Both are undone so the
        // new program stops when its client goes away or it is told to, as if started afresh.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        pthread_sigmask(SIG_SETMASK, &unblocked, nil)
        for number in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT] { _ = signal(number, SIG_DFL) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        execv(executable, argv)
        throw GatewayError("could not start \(executable): \(String(cString: strerror(errno)))")
    }
}
