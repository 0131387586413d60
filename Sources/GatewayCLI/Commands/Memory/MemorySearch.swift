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
/// tree, as `AgentEventLine` is: the Mayor searches its memory often (the `memory_search` tool's CLI
/// twin), and building the tree — every command's arguments, found by reflection — cost a search about
/// an eighth of its run. Any other spelling (`--help`, an unknown flag, a second word) is left to the
/// tree, which parses it or explains the mistake.
struct MemorySearchLine: Equatable {
    var query: String
    var limit = 10
    var json = false
    var town: String?
    var verbose = false
}

extension MemorySearchLine {
    /// nil: not `memory search`, or spelled in a way only the command tree reads.
    init?(_ arguments: [String]) {
        guard arguments.count >= 3, arguments[0] == "memory", arguments[1] == "search" else { return nil }
        var line = MemorySearchLine(query: "")
        var query: String?
        var rest = arguments.dropFirst(2)
        while let word = rest.popFirst() {
            switch word {
            case "--verbose": line.verbose = true
            case "--json": line.json = true
            case "--town", "--limit":
                guard let value = rest.popFirst(), !value.hasPrefix("-"), line.set(word, value) else { return nil }
            default:
                if word.hasPrefix("--town=") || word.hasPrefix("--limit="), let equals = word.firstIndex(of: "=") {
                    guard line.set(String(word[..<equals]), String(word[word.index(after: equals)...])) else { return nil }
                } else if !word.hasPrefix("-"), query == nil {
                    query = word
                } else {
                    return nil
                }
            }
        }
        guard let query else { return nil }
        line.query = query
        self = line
    }

    /// Takes `--town` or `--limit`'s value; false for a limit that is not a number (the tree says so).
    private mutating func set(_ option: String, _ value: String) -> Bool {
        if option == "--town" {
            town = value
            return true
        }
        guard let number = Int(value) else { return false }
        limit = number
        return true
    }

    func run(environment: GatewayEnvironment?) async throws {
        let environment = environment ?? .live(logger: Logging.makeLogger(verbose: verbose))
        try await MemorySearch.search(query, limit: limit, json: json, environment: environment) {
            try TownLocator.locate(flag: town, environment: $0)
        }
    }
}
