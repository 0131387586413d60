import Foundation
import GatewayKit
import GatewayCore

/// A private tmux server for one test (`tmux -L gw-test-<uuid>`), with one session running a command.
/// It never touches the user's own tmux server or config (`-f` points at a config of its own), keeps dead
/// panes so their exit status can be read, and is killed by `kill()` (and, as a safety net, on deinit).
///
///     let tmux = try await TmuxTestServer(command: [try builtProduct("gw-agent-sim").path], in: dir.url)
///     defer { tmux.kill() }
///     try await tmux.paste("多行\ntext"); try await tmux.sendKeys("Enter")
///     let screen = try await tmux.waitForScreen { $0.contains("ECHO:") }
public final class TmuxTestServer: @unchecked Sendable {
    public let socket: String
    public let session = "test"
    private let configFile: URL
    private var killed = false

    /// Starts the server and the session: `command` runs in `directory` with `environment` added to
    /// this process's environment, in a `columns`×`rows` window.
    public init(command: [String], in directory: URL, environment: [String: String] = [:], columns: Int = 120, rows: Int = 40) async throws {
        socket = "gw-test-\(UUID().uuidString.lowercased())"
        configFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket).conf")
        try "set -g remain-on-exit on\nset -g history-limit 5000\n".write(to: configFile, atomically: true, encoding: .utf8)
        // `env` puts the variables in front of the command without a shell, so no quoting is needed.
        let launch = ["env"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + command
        // The server outlives this command: start it through DetachedSpawn (no inherited descriptors,
        // no blocked signals), or Process would wait for the server to exit.
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket).err")
        defer { try? FileManager.default.removeItem(at: errors) }
        let status = try await DetachedSpawn.run("tmux", ["-L", socket, "-f", configFile.path, "new-session", "-d", "-s", session,
                                                    "-x", "\(columns)", "-y", "\(rows)", "-c", directory.path] + launch, errors: errors)
        guard status == 0 else {
            throw GatewayError("tmux new-session failed (exit \(status)): \((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")
        }
    }

    deinit { kill() }

    /// Runs `tmux -L <socket> ARGS`, awaited on a thread of its own; throws with tmux's stderr when it fails.
    @discardableResult
    public func tmux(_ arguments: [String]) async throws -> String {
        let result = try await LiveProcessRunner().run(Command("tmux", ["-L", socket] + arguments))
        guard result.succeeded else {
            throw GatewayError("tmux \(arguments.joined(separator: " ")) failed (exit \(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    /// Sends tmux key names (`Enter`, `Escape`, `C-c`, `BSpace`), each as its own key.
    public func sendKeys(_ keys: String...) async throws {
        try await tmux(["send-keys", "-t", session] + keys)
    }

    /// Types text literally, as a person at the keyboard would (newlines would submit).
    public func type(_ text: String) async throws {
        try await tmux(["send-keys", "-t", session, "-l", text])
    }

    /// Pastes text as one bracketed paste (`load-buffer` + `paste-buffer -p -d`), as Gateway sends prompts.
    public func paste(_ text: String) async throws {
        let buffer = "paste-\(UUID().uuidString.prefix(8))"
        // Through a file rather than stdin: the bytes reach tmux exactly, with no writer thread involved.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket)-\(buffer).txt")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try await tmux(["load-buffer", "-b", buffer, file.path])
        try await tmux(["paste-buffer", "-p", "-d", "-b", buffer, "-t", session])
    }

    /// The visible screen as text.
    public func capture() async throws -> String {
        try await tmux(["capture-pane", "-p", "-t", session])
    }

    /// The process id of the pane's command.
    public func panePID() async throws -> pid_t {
        let text = try await tmux(["display-message", "-p", "-t", session, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = pid_t(text) else { throw GatewayError("tmux gave no pane pid (got \(text.debugDescription))") }
        return pid
    }

    /// The pane's exit status once its command has ended (128 + N for a signal); nil while it runs.
    /// tmux may see the pane's terminal close a moment before it collects the status: until then, nil.
    public func exitStatus() async throws -> Int32? {
        let fields = try await tmux(["display-message", "-p", "-t", session, "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}"])
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0] == "1" else { return nil }
        if let status = Int32(fields[1]) { return status }
        if let signal = Int32(fields[2]) { return 128 + signal }
        // tmux 3.3a sometimes leaves a dead pane's process unreaped (seen when it had spawned children
        // of its own). Any child of the server that exits makes tmux wait for children again.
        try await tmux(["run-shell", "true"])
        return nil
    }

    /// Waits until the screen satisfies `condition`; returns that screen. Fails with the last screen.
    @discardableResult
    public func waitForScreen(timeout: Double = 120, _ what: String = "the expected screen", _ condition: (String) -> Bool) async throws -> String {
        var last = ""
        return try await Self.waitUntil(timeout: timeout, what, lastSeen: { "screen:\n\(last)" }) {
            last = try await capture()
            return condition(last) ? last : nil
        }
    }

    /// Waits for the pane's command to exit; returns its status.
    public func waitForExit(timeout: Double = 120) async throws -> Int32 {
        try await Self.waitUntil(timeout: timeout, "the pane's command to exit", lastSeen: { (try? await self.capture()) ?? "" }) {
            try await exitStatus()
        }
    }

    /// Polls `probe` every 50 ms until it returns a value. tmux offers no event for "the screen now
    /// shows X", so this is the one place tests poll; the timeout is generous for a loaded machine.
    public static func waitUntil<T>(timeout: Double = 120, _ what: String, lastSeen: () async -> String = { "" }, _ probe: () async throws -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let value = try await probe() { return value }
            if Date() >= deadline { throw GatewayError("timed out after \(Int(timeout)) s waiting for \(what)\n\(await lastSeen())") }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    /// Kills the server (and with it every process in its panes) and removes its config.
    public func kill() {
        guard !killed else { return }
        killed = true
        // A failure here means the server is already gone: nothing is left to stop. Blocking, briefly:
        // kill() runs in a `defer` or deinit, which cannot await.
        let stopped = (try? LiveProcessRunner.runBlocking(Command("tmux", ["-L", socket, "kill-server"])))?.succeeded ?? false
        if !stopped, ProcessInfo.processInfo.environment["GW_TEST_VERBOSE"] != nil {
            FileHandle.standardError.write(Data("tmux server \(socket) was already stopped\n".utf8))
        }
        try? FileManager.default.removeItem(at: configFile)
    }
}
