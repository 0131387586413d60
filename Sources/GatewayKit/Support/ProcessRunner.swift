import Foundation

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
            ignoreBrokenPipes
            DispatchQueue.global().async {
                // A child may exit without reading all its input (curl when the server is down): the
                // write then fails with EPIPE, and the child's exit status says what went wrong.
                do {
                    try stdin.fileHandleForWriting.write(contentsOf: input)
                } catch {
                    // Reported through the child's exit status instead.
                }
                try? stdin.fileHandleForWriting.close()
            }
        }
        let errorData = LockedBox(Data())
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorData.set(stderr.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus,
            stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorData.get(), as: UTF8.self)
        )
    }

    /// A write to a child that closed its stdin must fail with EPIPE, not kill this process with SIGPIPE.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

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
