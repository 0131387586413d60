import ArgumentParser
import Foundation
import GatewayKit

struct MemoryPrime: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prime", abstract: "Print the memory text given to the Mayor when a session starts.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Flag(name: .customLong("dry-run"), help: "Also report what each source gave and what was cut.") var dryRun = false

    func run() async throws {
        let environment = global.environment
        let result = try global.memoryStore(environment).prime()
        if format.json { return environment.output.line(try JSONOutput.render(result)) }
        guard dryRun else { return environment.output.write(result.text) }
        var lines = ["===== would inject \(result.length) of \(result.budget) characters =====", result.text, "===== sources ====="]
        for part in result.parts {
            let state = part.cut.map { "CUT — \($0)" } ?? "whole"
            lines.append("\(part.source): \(part.included) of \(part.total) characters, \(state)")
        }
        if result.parts.isEmpty { lines.append("(no memory files yet)") }
        environment.output.line(lines.joined(separator: "\n"))
    }
}
