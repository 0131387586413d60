import Foundation
import GatewayKit
import GatewayCore

/// gw-model-sim running as its own process, as the real-Claude tests and the demo use it.
public final class ModelSimProcess: @unchecked Sendable {
    public let process = Process()
    public let baseURL: String
    public let logFile: URL

    /// Starts `gw-model-sim --port 0 [--rules FILE] --log FILE` and reads its `listening on` line, on a
    /// thread of its own: a loaded machine may take seconds to start it.
    public init(rules: String? = nil, in directory: URL) async throws {
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
        // The first line comes once it listens, or the pipe closes because the process died.
        let reader = output.fileHandleForReading
        let line = await onOwnThread { () -> Data in
            var line = Data()
            while true {
                let byte = reader.readData(ofLength: 1)
                if byte.isEmpty || byte == Data("\n".utf8) { break }
                line += byte
            }
            return line
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
    public func requests() throws -> [[String: Any]] {
        guard FileSystem.exists(logFile) else { return [] }
        return try FileSystem.readText(logFile).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
