import SimKit
import Foundation

/// What one command hook did.
struct HookOutcome {
    var status: Int32
    var stdout: String
    var stderr: String
    var timedOut: Bool
}

/// Runs command hooks as Claude Code does: `/bin/sh -c COMMAND`, the payload as one JSON object on
/// stdin, the session's cwd, the inherited environment plus `CLAUDE_PROJECT_DIR` and
/// `CLAUDE_CODE_SESSION_ID`, no terminal. Hooks of one event run one after another here (Claude Code
/// runs them in parallel); nothing Gateway relies on depends on that.
struct HookRunner {
    var settings: HookSettings
    var cwd: String
    var baseEnvironment: [String: String]

    /// Claude Code's defaults: 600 s, but 30 s for UserPromptSubmit.
    static func defaultTimeout(for event: String) -> Double { event == "UserPromptSubmit" ? 30 : 600 }

    func run(event: String, subject: String?, payload: [String: Any], sessionID: String) -> [HookOutcome] {
        let hooks = settings.hooks(for: event, subject: subject)
        guard !hooks.isEmpty else { return [] }
        let input = (try? JSONSerialization.data(withJSONObject: payload, options: [.withoutEscapingSlashes])) ?? Data("{}".utf8)
        var environment = baseEnvironment
        environment["CLAUDE_PROJECT_DIR"] = cwd
        environment["CLAUDE_CODE_SESSION_ID"] = sessionID
        return hooks.map { hook in
            Self.runShell(hook.command, input: input, cwd: cwd, environment: environment,
                          timeout: hook.timeout ?? Self.defaultTimeout(for: event))
        }
    }

    static func runShell(_ command: String, input: Data, cwd: String, environment: [String: String], timeout: Double) -> HookOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            return HookOutcome(status: 127, stdout: "", stderr: "could not start /bin/sh: \(error)", timedOut: false)
        }
        let collected = CollectedOutput()
        let readers = DispatchGroup()
        for (pipe, isError) in [(stdout, false), (stderr, true)] {
            readers.enter()
            DispatchQueue.global().async {
                collected.append(pipe.fileHandleForReading.readDataToEndOfFile(), isError: isError)
                readers.leave()
            }
        }
        // A hook that ignores stdin and exits makes this write fail (EPIPE; SIGPIPE is ignored): harmless.
        do {
            try stdin.fileHandleForWriting.write(contentsOf: input)
            try stdin.fileHandleForWriting.close()
        } catch {
            try? stdin.fileHandleForWriting.close()
        }
        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            finished.wait()
        }
        // Output of a hook's own background children may hold the pipes open: wait a little, not forever.
        if readers.wait(timeout: .now() + 2) == .timedOut { timedOut = true }
        let (out, err) = collected.snapshot()
        return HookOutcome(status: process.terminationStatus, stdout: out, stderr: err, timedOut: timedOut)
    }
}

/// Output read on two background queues; the lock makes the hand-over explicit.
private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    func append(_ data: Data, isError: Bool) {
        lock.withLock { if isError { err += data } else { out += data } }
    }

    func snapshot() -> (String, String) {
        lock.withLock { (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self)) }
    }
}
