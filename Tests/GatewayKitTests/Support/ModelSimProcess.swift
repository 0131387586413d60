import Foundation
@testable import GatewayKit
@testable import GatewayCore

/// gw-model-sim running as its own process, as the real-Claude tests and the demo use it.
final class ModelSimProcess: @unchecked Sendable {
    let process = Process()
    let baseURL: String
    let logFile: URL

    /// Starts `gw-model-sim --port 0 [--rules FILE] --log FILE` and reads its `listening on` line.
    init(rules: String? = nil, in directory: URL) throws {
        logFile = directory.appendingPathComponent("model-sim.jsonl")
        var arguments = ["--port", "0", "--log", logFile.path]
        if let rules {
            let rulesFile = directory.appendingPathComponent("rules.toml")
            try rules.write(to: rulesFile, atomically: true, encoding: .utf8)
            arguments += ["--rules", rulesFile.path]
        }
        process.executableURL = try builtProduct("gw-model-sim")
        process.arguments = arguments
        let output = Pipe()
        let errors = directory.appendingPathComponent("model-sim.stderr")
        guard FileManager.default.createFile(atPath: errors.path, contents: nil) else {
            throw GatewayError("could not create \(errors.path) for gw-model-sim's errors")
        }
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The first line comes at once, or the pipe closes because the process died.
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line += byte
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening on http://127.0.0.1:") else {
            process.terminate()
            let reason = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw GatewayError("gw-model-sim did not say where it listens (first line \(text.debugDescription)): \(reason)")
        }
        baseURL = String(text.dropFirst("listening on ".count))
    }

    /// The JSON lines logged so far, one per request.
    func requests() throws -> [[String: Any]] {
        guard FileSystem.exists(logFile) else { return [] }
        return try FileSystem.readText(logFile).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// Waits until `condition` holds, checking every 50 ms, for at most `timeout` seconds (generous:
/// the machine is shared). Used where the event is a file another process writes. It suspends rather
/// than blocks between checks: Swift's pool has one thread per core, and a blocked one starves every
/// other test in the process.
func waitUntil(timeout: TimeInterval, _ what: String, _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try !condition() {
        guard Date() < deadline else { throw GatewayError("timed out after \(Int(timeout)) s waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}
