import ArgumentParser

struct ConvoyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convoy", abstract: "Tracked bundles of work: one per heartbeat or sling, closed when every item has ended.",
        subcommands: [ConvoyList.self, ConvoyShow.self])
}
