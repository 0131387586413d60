import Foundation
import SimKit

// gw-model-sim: a TEST DOUBLE — a scripted model server speaking the Anthropic Messages API on
// loopback, so Claude Code (or anything speaking that API) can run offline against scripted answers.
// Usage: gw-model-sim [--port N] [--rules FILE] [--log FILE]

// A parent may start us with signals blocked (processes spawned from a Dispatch worker thread inherit
// its mask); unblock them so SIGTERM and SIGINT stop the server as they should.
var noSignals = sigset_t()
sigemptyset(&noSignals)
pthread_sigmask(SIG_SETMASK, &noSignals, nil)

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("gw-model-sim: \(message)\n".utf8))
    exit(status)
}

let usage = "usage: gw-model-sim [--port N] [--rules FILE] [--log FILE]  (rules may also come from $GW_SIM_RULES)"
var port: UInt16 = 0
var rulesPath: String?
var logPath: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--help", "-h":
        print(usage)
        exit(0)
    case "--port":
        guard let value = arguments.popFirst(), let number = UInt16(value) else { fail("--port needs a number from 0 to 65535\n\(usage)", status: 2) }
        port = number
    case "--rules":
        guard let value = arguments.popFirst() else { fail("--rules needs a file\n\(usage)", status: 2) }
        rulesPath = value
    case "--log":
        guard let value = arguments.popFirst() else { fail("--log needs a file\n\(usage)", status: 2) }
        logPath = value
    default:
        fail("unknown argument \(argument)\n\(usage)", status: 2)
    }
}

let server: ModelSimServer
do {
    let rules = try SimRules.load(path: rulesPath, environment: ProcessInfo.processInfo.environment)
    server = try ModelSimServer(rules: rules, port: port, logFile: logPath.map { URL(fileURLWithPath: $0) })
    if !rules.seedGiven, rules.rules.contains(where: { $0.chance != nil }) {
        // So a run whose chance rules did something surprising can be replayed with `seed = N`.
        FileHandle.standardError.write(Data("gw-model-sim: chance rules draw from seed \(rules.seed)\n".utf8))
    }
} catch {
    fail("\(error)", status: 1)
}
// The first line is the contract: whoever started us reads the port from it.
// FileHandle writes straight to the descriptor, so the line is out before anyone waits on it.
FileHandle.standardOutput.write(Data("listening on \(server.baseURL)\n".utf8))
// Serve until killed; the server's threads do the work.
while true { sleep(3600) }
