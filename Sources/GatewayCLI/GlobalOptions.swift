import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore

/// Flags every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The town to act on (else GW_TOWN, else the nearest town above the current folder).", valueName: "dir"))
    var town: String?

    @Flag(name: .long, help: "Print diagnostics on stderr.")
    var verbose = false

    var environment: GatewayEnvironment { CommandContext.environment(verbose: verbose) }

    func locateTown(_ environment: GatewayEnvironment) throws -> Town {
        try TownLocator.locate(flag: town, environment: environment)
    }

    /// These flags as given, for a program `gw` hands over to (`gw-mcp`).
    var forwardedArguments: [String] { (town.map { ["--town", $0] } ?? []) + (verbose ? ["--verbose"] : []) }
}

/// `--json` for commands whose output is data.
struct JSONOption: ParsableArguments {
    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false
}

enum JSONOutput {
    static func render<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
