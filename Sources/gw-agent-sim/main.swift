import Foundation
import SimKit

// gw-agent-sim: a TEST DOUBLE of Claude Code's interactive terminal (docs/agent-sim.md). It imitates the
// screen, hooks and transcript Gateway relies on, and answers from scripted rules instead of a model.

let environment = ProcessInfo.processInfo.environment

func fail(_ error: AgentSimError) -> Never {
    FileHandle.standardError.write(Data((error.message + "\n").utf8))
    exit(error.status)
}

let options: AgentOptions
do {
    options = try AgentOptions.parse(Array(CommandLine.arguments.dropFirst()), environment: environment)
} catch {
    fail(error)
}
if options.showVersion {
    print("\(options.version) (Claude Code)")
    exit(0)
}

let cwd = FileManager.default.currentDirectoryPath
let projectDirectory = Transcript.projectDirectory(cwd: cwd, environment: environment)
let sessionID: String
let source: String
if let resumeID = options.resumeID {
    let id = resumeID.lowercased()
    let candidate = projectDirectory.appendingPathComponent("\(id).jsonl")
    guard UUID(uuidString: id) != nil, FileManager.default.fileExists(atPath: candidate.path) else {
        fail(AgentSimError("No conversation found with session ID: \(resumeID)"))
    }
    sessionID = id
    source = "resume"
} else {
    sessionID = (options.sessionID ?? UUID().uuidString).lowercased()
    source = "startup"
    if FileManager.default.fileExists(atPath: projectDirectory.appendingPathComponent("\(sessionID).jsonl").path) {
        fail(AgentSimError("Error: Session ID \(sessionID) is already in use."))
    }
}

var settings = HookSettings()
if let argument = options.settings {
    do {
        settings = try HookSettings(argument: argument)
    } catch {
        fail(error)
    }
}
let script: RulesScript
do {
    script = try RulesScript.load(path: options.rulesPath, environment: environment)
} catch {
    fail(error)
}

let transcript = Transcript(directory: projectDirectory, sessionID: sessionID, cwd: cwd, version: options.version, oldVersion: options.oldVersion)
let terminal = Terminal()
let session = AgentSession(
    options: options, terminal: terminal, hooks: HookRunner(settings: settings, cwd: cwd, baseEnvironment: environment),
    transcript: transcript, script: script, sessionID: sessionID, cwd: cwd)
if source == "resume" {
    for entry in transcript.load() {
        switch entry {
        case .user(let text): session.screen.conversation.append(.user(text)); session.contextCharacters += text.count
        case .assistant(let text): session.screen.conversation.append(.assistant(text)); session.contextCharacters += text.count
        }
    }
}

signal(SIGPIPE, SIG_IGN)
signalWakeDescriptor = signalWakePipe.write
// A process started from a thread that blocks signals (as Swift's thread pools do) inherits that mask
// through tmux; unblock the signals the session handles, or SIGTERM would never arrive.
var handled = sigset_t()
sigemptyset(&handled)
for number in [SIGTERM, SIGHUP, SIGINT, SIGWINCH] {
    sigaddset(&handled, number)
    signal(number) { received in
        pendingSignal = received
        // Only async-signal-safe calls here. A full pipe means a wake-up is already pending.
        var byte: UInt8 = 1
        write(signalWakeDescriptor, &byte, 1)
    }
}
sigprocmask(SIG_UNBLOCK, &handled, nil)
terminal.enterRawMode()
session.run(source: source)
