import Foundation
import GatewayKit
import GatewayCore

/// Tests/smtp-double/smtp_double.py (aiosmtpd) on a free loopback port, recording what it accepts.
/// It exits when its stdin closes, so it never outlives the test process.
public final class SMTPDouble: @unchecked Sendable {
    public let port: Int
    public let recordDirectory: URL
    private let process: Process
    private let input: Pipe
    private let holds = DispatchSemaphore(value: 0)

    public static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("smtp-double/smtp_double.py")
    }

    /// `port` 0 picks a free one; another listens there again (a server back after an outage).
    public init(in directory: URL, arguments: [String] = [], port: Int = 0, record: String = "smtp-received") async throws {
        recordDirectory = directory.appendingPathComponent(record)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, "--record", recordDirectory.path, "--port", String(port)] + arguments
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is "PORT n" once it listens; EOF first means it could not start. Read on a
        // thread of its own: Python takes a while to start on a loaded machine.
        let firstLine = output.fileHandleForReading
        let line = await onOwnThread { () -> Data in
            var line = Data()
            while true {
                let byte = firstLine.readData(ofLength: 1)
                if byte.isEmpty || byte == Data("\n".utf8) { break }
                line.append(byte)
            }
            return line
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            throw GatewayError("the SMTP test server did not start (is aiosmtpd installed? scripts/test installs it): \(text)")
        }
        self.port = port
        // Later lines say a message is held (--hold); reading them also keeps the pipe from filling.
        let holds = self.holds
        let reader = output.fileHandleForReading
        Thread {
            var pending = Data()
            while case let chunk = reader.availableData, !chunk.isEmpty {
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    if pending[pending.startIndex..<newline].starts(with: Data("HELD ".utf8)) { holds.signal() }
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
        }.start()
    }

    /// Waits until a message containing the --hold marker was recorded and its answer held back.
    public func waitForHold(timeout: TimeInterval = 180) async -> Bool {
        let holds = holds
        return await onOwnThread { holds.wait(timeout: .now() + timeout) == .success }
    }

    /// Lets one held message have its 250 answer.
    public func release() throws {
        try input.fileHandleForWriting.write(contentsOf: Data("release\n".utf8))
    }

    /// The messages accepted so far, in order: raw message and envelope metadata.
    public func received() throws -> [(message: String, meta: [String: Any])] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: recordDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { name in
            let message = try String(contentsOf: recordDirectory.appendingPathComponent(name), encoding: .utf8)
            let metaFile = recordDirectory.appendingPathComponent(name.replacingOccurrences(of: ".eml", with: ".json"))
            let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: metaFile)) as? [String: Any] ?? [:]
            return (message, meta)
        }
    }

    public func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
