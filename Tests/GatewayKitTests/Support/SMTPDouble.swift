import Foundation
@testable import GatewayKit

/// Tests/smtp-double/smtp_double.py (aiosmtpd) on a free loopback port, recording what it accepts.
/// It exits when its stdin closes, so it never outlives the test process.
final class SMTPDouble: @unchecked Sendable {
    let port: Int
    let recordDirectory: URL
    private let process: Process
    private let input: Pipe

    static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("smtp-double/smtp_double.py")
    }

    init(in directory: URL, arguments: [String] = []) throws {
        recordDirectory = directory.appendingPathComponent("smtp-received")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, "--record", recordDirectory.path] + arguments
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is "PORT n" once it listens; EOF first means it could not start.
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            throw GatewayError("the SMTP test server did not start (is aiosmtpd installed? scripts/test installs it): \(text)")
        }
        self.port = port
    }

    /// The messages accepted so far, in order: raw message and envelope metadata.
    func received() throws -> [(message: String, meta: [String: Any])] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: recordDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { name in
            let message = try String(contentsOf: recordDirectory.appendingPathComponent(name), encoding: .utf8)
            let metaFile = recordDirectory.appendingPathComponent(name.replacingOccurrences(of: ".eml", with: ".json"))
            let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: metaFile)) as? [String: Any] ?? [:]
            return (message, meta)
        }
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
