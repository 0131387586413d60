import ArgumentParser
import Foundation
import GatewayKit

struct MemoryAppend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append", abstract: "Append an entry to a daily log (today's by default) and commit it to the Mayor's hook.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Argument(help: ArgumentHelp("The entry, or - to read it from stdin.", valueName: "text")) var text: String
    @Option(help: ArgumentHelp("The day's log to append to: YYYY-MM-DD, today or yesterday.", valueName: "date")) var date: String?
    @Option(help: "Put the entry under this `## heading` of the log (made when missing).") var section: String?

    func run() async throws {
        let environment = global.environment
        let store = try global.memoryStore(environment)
        let body = text == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : text
        let result = try await store.append(body, day: date, section: section)
        if format.json { return environment.output.line(try JSONOutput.render(result)) }
        if result.appended {
            environment.output.line("Appended to \(result.file)\(result.commit.map { " (commit \($0))" } ?? "")")
        } else {
            environment.output.line("\(result.file) already holds this entry; nothing appended")
        }
        if let error = result.pushError {
            environment.output.errorLine("gw: committed locally, but pushing to [hooks] remote failed (the next commit retries): \(error)")
        }
    }
}
