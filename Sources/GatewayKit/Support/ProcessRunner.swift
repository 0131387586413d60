import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A subprocess call as a value: what to run, where, with what. Unit tests check the argv of these
/// without running anything; one runner executes them.
public struct Command: Sendable, Equatable, CustomStringConvertible {
    public var executable: String
    public var arguments: [String]
    public var workingDirectory: URL?
    /// Added to (and overriding) the inherited environment.
    public var environment: [String: String]
    public var standardInput: Data?

    public init(
        _ executable: String, _ arguments: [String] = [], in workingDirectory: URL? = nil,
        environment: [String: String] = [:], standardInput: Data? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.standardInput = standardInput
    }

    /// The whole argv, executable first.
    public var argv: [String] { [executable] + arguments }

    public var description: String { argv.joined(separator: " ") }
}

public struct ProcessResult: Sendable, Equatable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    public var succeeded: Bool { status == 0 }
}

/// Runs commands. The live one spawns processes; tests may script answers.
public protocol ProcessRunning: Sendable {
    func run(_ command: Command) async throws -> ProcessResult
}

extension ProcessRunning {
    /// Runs and throws a readable error when the command exits non-zero.
    @discardableResult
    public func check(_ command: Command, what: String? = nil) async throws -> ProcessResult {
        let result = try await run(command)
        guard result.succeeded else {
            let detail = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            let shown = detail.isEmpty ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : detail
            throw GatewayError("\(what ?? command.description) failed (exit \(result.status)): \(shown)")
        }
        return result
    }
}

/// Spawns real processes with Foundation's `Process`, reading stdout and stderr concurrently so
/// that a chatty child never blocks on a full pipe.
public struct LiveProcessRunner: ProcessRunning {
    public init() {}

    public func run(_ command: Command) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.runBlocking(command) })
            }
        }
    }

    static func runBlocking(_ command: Command) throws -> ProcessResult {
        let process = Process()
        process.executableURL = try resolve(command.executable)
        process.arguments = command.arguments
        if let directory = command.workingDirectory { process.currentDirectoryURL = directory }
        if !command.environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(command.environment) { _, new in new }
        }
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = command.standardInput == nil ? FileHandle.nullDevice : stdin
        do {
            try process.run()
        } catch {
            throw GatewayError("could not start \(command.executable): \(error.localizedDescription)")
        }
        if let input = command.standardInput {
            DispatchQueue.global().async {
                // The throwing write: a child that exits without reading its input must not trap us (EPIPE).
                try? stdin.fileHandleForWriting.write(contentsOf: input)
                try? stdin.fileHandleForWriting.close()
            }
        }
        let errorData = LockedBox(Data())
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorData.set(drain(stderr.fileHandleForReading))
            group.leave()
        }
        let outputData = drain(stdout.fileHandleForReading)
        group.wait()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus,
            stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorData.get(), as: UTF8.self)
        )
    }

    /// Reads a pipe to its end with read(2), retrying when a signal interrupts it, then closes it at once.
    /// Foundation's `readDataToEndOfFile` traps on EINTR and EBADF, which many children exiting at once
    /// provoke, and a pipe left to close at deinit can close a descriptor number another thread reused.
    static func drain(_ handle: FileHandle) -> Data {
        let descriptor = handle.fileDescriptor
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        try? handle.close()
        return data
    }

    /// Finds a bare name on PATH, as a shell would.
    static func resolve(_ executable: String) throws -> URL {
        if executable.contains("/") { return URL(fileURLWithPath: executable) }
        if let path = ExecutableLookup.find(executable) { return URL(fileURLWithPath: path) }
        throw GatewayError("\(executable) is not installed or not on PATH")
    }
}

/// Looks a program up on PATH.
public enum ExecutableLookup {
    public static func find(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A value guarded by a lock, for handing results between threads.
public final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    public init(_ value: Value) { self.value = value }
    public func get() -> Value { lock.withLock { value } }
    public func set(_ newValue: Value) { lock.withLock { value = newValue } }
    public func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
