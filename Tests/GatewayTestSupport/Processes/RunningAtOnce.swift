import Foundation
import GatewayCore

/// Runs every command at once and returns the ones that failed, with their output. One `xargs -P`
/// starts them all and waits with wait(2): the test process spawns a single child, because Foundation's
/// Process is fragile when a test process spawns dozens from many threads (swift#57827), and a shell's
/// `&` plus `wait` never returns when the runner has blocked SIGCHLD.
public func failuresRunningAtOnce(_ commands: [(arguments: [String], input: String?)], in directory: URL, outputs: URL) async throws -> [String] {
    try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
    func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    var lines: [String] = []
    for (index, command) in commands.enumerated() {
        let prefix = outputs.appendingPathComponent("\(index)").path
        try Data((command.input ?? "").utf8).write(to: URL(fileURLWithPath: prefix + ".in"))
        lines.append("\(command.arguments.map(quoted).joined(separator: " ")) <\(quoted(prefix + ".in")) >\(quoted(prefix + ".out")) 2>&1; echo $? >\(quoted(prefix + ".status"))")
    }
    let list = outputs.appendingPathComponent("commands")
    // NUL-separated: an agent's loop is a script of several lines.
    try Data(lines.joined(separator: "\0").utf8).write(to: list)
    // Awaited, not run blocking: the run takes seconds, and a blocked thread would stall other suites.
    let run = try await LiveProcessRunner().run(Command("/bin/sh", ["-c", "xargs -0 -P \(commands.count) -n 1 sh -c < \(quoted(list.path))"], in: directory))
    guard run.succeeded else { throw GatewayError("running the commands at once failed (\(run.status)): \(run.stderr)") }
    return try commands.indices.compactMap { index in
        let prefix = outputs.appendingPathComponent("\(index)").path
        let status = try String(contentsOfFile: prefix + ".status", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard status != "0" else { return nil }
        let output = (try? String(contentsOfFile: prefix + ".out", encoding: .utf8)) ?? ""
        return "command \(index) (\(commands[index].arguments.joined(separator: " "))) exited \(status): \(output)"
    }
}

/// flock(1), which `scripts/test` installs.
public func flockProgram() throws -> String {
    guard let path = ExecutableLookup.find("flock") else { throw GatewayError("flock(1) is not installed: scripts/test installs it") }
    return path
}
