import ArgumentParser
import Foundation
import GatewayKit

struct MemorySearch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Search MEMORY.md and the daily logs (full text, BM25 ranking; Chinese included).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Argument(help: "Words to find; every word must match.") var query: String
    @Option(help: "At most this many results.") var limit = 10

    func run() async throws {
        let environment = global.environment
        let hits = try global.memoryStore(environment).search(query, limit: limit)
        if format.json { return environment.output.line(try JSONOutput.render(hits)) }
        if hits.isEmpty { return environment.output.line("Nothing in memory matches \"\(query)\".") }
        for hit in hits { environment.output.line("\(hit.file):\(hit.line)  \(hit.snippet)") }
    }
}
