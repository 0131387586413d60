import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayHooks

struct HookPut: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put", abstract: "Hang work on an agent's hook: a file under work/, committed at once.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The agent (mayor, or a polecat's name; its hook is made on first use).") var agent: String
    @Argument(help: ArgumentHelp("The file to hang, or - to read it from stdin.", valueName: "file")) var file: String
    @Option(help: "The name under work/ (default: the file's name; for stdin, a timestamped name).") var name: String?

    func run() async throws {
        let environment = global.environment
        try await Self.put(agent: agent, file: file, name: name, environment: environment, store: try global.hookStore(environment))
    }

    /// The command's body, shared with `HookPutLine`.
    static func put(agent: String, file: String, name: String?, environment: GatewayEnvironment, store: HookStore) async throws {
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

/// `gw hook put AGENT FILE [--name NAME] [--town DIR] [--verbose]`, read without the command tree
/// (`PlainLine`): how work is hung on a hook from a script or an agent's shell.
struct HookPutLine: Equatable {
    var agent: String
    var file: String
    var name: String?
    var town: String?
    var verbose = false
}

extension HookPutLine {
    /// nil: not `hook put`, or spelled in a way only the command tree reads.
    init?(_ arguments: [String]) {
        guard let line = PlainLine(arguments, command: ["hook", "put"], words: 2, options: ["--name", "--town"], flags: ["--verbose"]) else {
            return nil
        }
        self.init(agent: line.words[0], file: line.words[1], name: line.options["--name"], town: line.options["--town"],
                  verbose: line.flags.contains("--verbose"))
    }

    func run(environment: GatewayEnvironment?) async throws {
        let environment = environment ?? .live(logger: Logging.makeLogger(verbose: verbose))
        try await HookPut.put(agent: agent, file: file, name: name, environment: environment,
                              store: try GlobalOptions.hookStore(town: town, environment))
    }
}
