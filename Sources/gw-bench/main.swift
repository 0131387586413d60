import Foundation
import GatewayKit

// gw-bench: prints one line per figure, `name value unit`, each next to a floor or baseline measured in
// the same run, because the machines this runs on are shared and noisy. `--json FILE` also writes them.
let arguments = Array(CommandLine.arguments.dropFirst())
var jsonFile: String?
var selected: [String] = []
var index = 0
while index < arguments.count {
    if arguments[index] == "--json", index + 1 < arguments.count {
        jsonFile = arguments[index + 1]
        index += 2
    } else {
        selected.append(arguments[index])
        index += 1
    }
}
let suites = BenchRegistry.all.filter { selected.isEmpty || selected.contains($0.name) }
if suites.isEmpty {
    FileHandle.standardError.write(Data("unknown suite; known: \(BenchRegistry.all.map(\.name).joined(separator: ", "))\n".utf8))
    exit(2)
}
let machine = BenchMachine.describe()
// Written unbuffered, like the figures, so it comes first in a redirected file too.
FileHandle.standardOutput.write(Data(("# " + machine.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "\n").utf8))
let reporter = BenchReporter()
for suite in suites {
    do {
        try await suite.run(reporter)
    } catch {
        FileHandle.standardError.write(Data("bench \(suite.name) failed: \(error)\n".utf8))
        exit(1)
    }
}
if let jsonFile { try reporter.writeJSON(to: URL(fileURLWithPath: jsonFile), machine: machine) }
