import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore

struct HookPut: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put", abstract: "Hang work on an agent's hook: a file under work/, committed at once.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The agent (mayor, or a polecat's name; its hook is made on first use).") var agent: String
    @Argument(help: ArgumentHelp("The file to hang, or - to read it from stdin.", valueName: "file")) var file: String
    @Option(help: "The name under work/ (default: the file's name; for stdin, a timestamped name).") var name: String?

    func run() async throws {
        let environment = global.environment
        let store = try global.hookStore(environment)
        let data: Data
        let defaultName: String
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
            defaultName = HookPut.stdinName(now: environment.clock.now())
        } else {
            let url = environment.resolve(file)
            guard let contents = FileManager.default.contents(atPath: url.path), !FileSystem.isDirectory(url) else {
                throw GatewayError("cannot read \(url.path): give a readable file, or - to read from stdin")
            }
            data = contents
            defaultName = url.lastPathComponent
        }
        let result = try await store.put(agent, name: name ?? defaultName, data: data)
        let path = result.paths.first ?? ""
        if let commit = result.commit {
            environment.output.line("Hung \(path) on the hook of \(agent) (commit \(commit))")
        } else {
            environment.output.line("\(path) on the hook of \(agent) already had this content; nothing to commit")
        }
        if let error = result.pushError {
            environment.output.errorLine("gw: committed locally, but pushing to [hooks] remote failed (the next commit retries): \(error)")
        }
    }

    /// `work-20260314-083015-1a2b3c.md`: sorts by time, unique across processes.
    static func stdinName(now: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "work-\(formatter.string(from: now))-\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).md"
    }
}
