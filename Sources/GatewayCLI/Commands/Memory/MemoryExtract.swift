import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayMemory

struct MemoryExtract: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Copy the Mayor's conversation from its transcripts into memory/sessions/YYYY-MM-DD.md (its hooks do this on Stop and PreCompact).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Argument(help: "Transcript files (.jsonl) to read (default: every transcript of the Mayor's folder).") var transcripts: [String] = []

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let extractor = SessionExtractor(environment: environment, town: town, config: try town.loadConfig())
        let files = transcripts.map { URL(fileURLWithPath: $0, relativeTo: environment.workingDirectory).standardizedFileURL }
        for file in files where !FileManager.default.fileExists(atPath: file.path) {
            throw GatewayError.usage("\(file.path) does not exist: give the path of a Claude Code transcript (.jsonl)")
        }
        let result = try await extractor.extract(files.isEmpty ? nil : files)
        if format.json { return environment.output.line(try JSONOutput.render(result)) }
        let changed = result.files.isEmpty ? "no session log changed" : "updated \(result.files.joined(separator: ", "))"
        environment.output.line("Read \(result.turnsRead) turns from \(result.transcripts) transcripts; \(changed).")
    }
}
