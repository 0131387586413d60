import ArgumentParser
import Foundation
import GatewayKit

struct MemoryReindex: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex", abstract: "Rebuild the memory search index from the files (search keeps it current by itself).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption

    func run() async throws {
        let environment = global.environment
        let stats = try global.memoryStore(environment).reindex()
        if format.json { return environment.output.line(try JSONOutput.render(stats)) }
        environment.output.line("Indexed \(stats.files) files in \(stats.chunks) pieces.")
    }
}
