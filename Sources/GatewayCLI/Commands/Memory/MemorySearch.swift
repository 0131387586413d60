import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayMemory

struct MemorySearch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Search MEMORY.md and the daily logs (full text, BM25 ranking; Chinese included).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Argument(help: "Words to find; every word must match.") var query: String
    @Option(help: "At most this many results.") var limit = 10

    func run() async throws {
        try await Self.search(query, limit: limit, json: format.json, environment: global.environment, town: global.locateTown)
    }

    /// The command's body, shared with `MemorySearchLine`. Reads no config: searching needs none.
    static func search(_ query: String, limit: Int, json: Bool, environment: GatewayEnvironment,
                       town locate: (GatewayEnvironment) throws -> Town) async throws {
        let hits = try await MemoryStore.search(query, limit: limit, town: try locate(environment), environment: environment)
        if json { return environment.output.line(try JSONOutput.render(hits)) }
        if hits.isEmpty { return environment.output.line("Nothing in memory matches \"\(query)\".") }
        for hit in hits { environment.output.line("\(hit.file):\(hit.line)  \(hit.snippet)") }
    }
}

/// `gw memory search QUERY [--limit N] [--json] [--town DIR] [--verbose]`, read without the command
/// tree (`PlainLine`): the Mayor searches its memory often (the `memory_search` tool's CLI twin).
struct MemorySearchLine: Equatable {
    var query: String
    var limit = 10
    var json = false
    var town: String?
    var verbose = false
}

extension MemorySearchLine {
    /// nil: not `memory search`, or spelled in a way only the command tree reads (a limit that is not a
    /// number among them: the tree says so).
    init?(_ arguments: [String]) {
        guard let line = PlainLine(arguments, command: ["memory", "search"], words: 1, options: ["--town", "--limit"], flags: ["--json", "--verbose"]) else {
            return nil
        }
        var limit = 10
        if let given = line.options["--limit"] {
            guard let number = Int(given) else { return nil }
            limit = number
        }
        self.init(query: line.words[0], limit: limit, json: line.flags.contains("--json"), town: line.options["--town"],
                  verbose: line.flags.contains("--verbose"))
    }

    func run(environment: GatewayEnvironment?) async throws {
        let environment = environment ?? .live(logger: Logging.makeLogger(verbose: verbose))
        try await MemorySearch.search(query, limit: limit, json: json, environment: environment) {
            try TownLocator.locate(flag: town, environment: $0)
        }
    }
}
