import ArgumentParser
import Foundation
import GatewayKit

struct MemoryShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print MEMORY.md, or the daily log of DATE.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("YYYY-MM-DD, today or yesterday (default: MEMORY.md).", valueName: "date")) var date: String?

    func run() async throws {
        let environment = global.environment
        let shown = try global.memoryStore(environment).show(day: date)
        environment.output.write(shown.text.hasSuffix("\n") ? shown.text : shown.text + "\n")
    }
}
