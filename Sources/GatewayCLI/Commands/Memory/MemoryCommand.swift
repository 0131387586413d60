import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayMemory

struct MemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory", abstract: "The Mayor's memory: MEMORY.md and daily logs in its hook, search and priming.",
        subcommands: [MemoryShow.self, MemoryAppend.self, MemorySearch.self, MemoryReindex.self, MemoryPrime.self, MemoryExtract.self])
}

extension GlobalOptions {
    func memoryStore(_ environment: GatewayEnvironment) throws -> MemoryStore {
        let town = try locateTown(environment)
        return MemoryStore(environment: environment, town: town, config: try town.loadConfig())
    }
}
