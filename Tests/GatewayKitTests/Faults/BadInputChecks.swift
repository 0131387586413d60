import Foundation
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

/// What makes a rejection clear: it names the file, the line where one applies, and says how to fix
/// it. Each check returns what is missing, or nil when the error is clear.
enum BadInputChecks {
    /// Words that mark an instruction or the expected form: "write …", "remove …", "did you mean …",
    /// "expected …, found …", "must be …", "known keys here: …", "run `gw config check`" and the like.
    static let fixMarkers = [
        "write", "remove", "did you mean", "known keys", "takes no keys", "must be", "expected", "give ", "keep ", "export",
        "chmod", "gw config check", "save it", "save the file", "options are", "use ", "run ", "add ", "put ", "rename", "is required", "fix ",
        "is not one of", "like ", "close it", "needs ", "check the syntax", "nest fewer",
    ]

    static func hasFix(_ message: String) -> Bool {
        let lowered = message.lowercased()
        return fixMarkers.contains { lowered.contains($0) }
    }

    /// Lines in a file as editors count them (LF, CRLF or a lone CR ends one), plus one for a missing final break.
    static func lineCount(_ bytes: [UInt8]) -> Int {
        var count = 1
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x0A, previous != 0x0D { count += 1 }
            if byte == 0x0D { count += 1 }
            previous = byte
        }
        return count
    }

    /// A config rejection: every problem names the file and a line inside it, and says how to fix it.
    static func configProblem(_ failure: ConfigFailure, file: String, bytes: [UInt8]) -> String? {
        guard !failure.problems.isEmpty else { return "a config failure with no problem in it" }
        let lines = lineCount(bytes)
        for problem in failure.problems {
            if problem.file != file { return "names \(problem.file), not \(file): \(problem)" }
            guard let line = problem.line else { return "no line: \(problem)" }
            if !(1...lines).contains(line) { return "line \(line) outside the file's \(lines) lines: \(problem)" }
            if !hasFix(problem.message) { return "says no fix: \(problem)" }
        }
        return nil
    }

    /// A HEARTBEAT.md rejection (as `load` throws it): every line is `HEARTBEAT.md:LINE: …` with a fix.
    static func heartbeatProblem(_ message: String, bytes: [UInt8]) -> String? {
        let lines = lineCount(bytes)
        for text in message.components(separatedBy: "\n") {
            let prefix = "\(HeartbeatDocument.fileName):"
            guard text.hasPrefix(prefix) || text.contains("/\(HeartbeatDocument.fileName)") else { return "names no file: \(text)" }
            guard let number = lineNumber(in: text, after: HeartbeatDocument.fileName) else { return "no line: \(text)" }
            if !(1...lines).contains(number) { return "line \(number) outside the file's \(lines) lines: \(text)" }
            if !hasFix(text) { return "says no fix: \(text)" }
        }
        return nil
    }

    /// The `N` of `FILE:N:` in `text`.
    static func lineNumber(in text: String, after file: String) -> Int? {
        guard let range = text.range(of: "\(file):") else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, text[range.upperBound...].dropFirst(digits.count).first == ":" else { return nil }
        return Int(digits)
    }

    /// A `gw` error on stderr: `gw: ` then problems in the config's own format.
    static func cliConfigProblem(_ stderr: String, file: String, bytes: [UInt8]) -> String? {
        let text = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return "failed with nothing on stderr" }
        let lines = lineCount(bytes)
        for raw in text.components(separatedBy: "\n") {
            let line = raw.hasPrefix("gw: ") ? String(raw.dropFirst(4)) : raw
            guard line.hasPrefix("\(file):") || line.contains("/\(file)") else { return "names no file: \(raw)" }
            guard let number = lineNumber(in: line, after: file) else { return "no line: \(raw)" }
            if !(1...lines).contains(number) { return "line \(number) outside the file's \(lines) lines: \(raw)" }
            if !hasFix(line) { return "says no fix: \(raw)" }
        }
        return nil
    }

    /// The secrets any of `texts` shows.
    static func leakedSecrets(_ texts: String...) -> [String] {
        [BadInputSamples.telegramToken, BadInputSamples.smtpPassword].filter { secret in texts.contains { $0.contains(secret) } }
    }
}
