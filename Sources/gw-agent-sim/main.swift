import SimKit
import Foundation

// gw-agent-sim: a TEST DOUBLE — a terminal double of Claude Code.
FileHandle.standardError.write(Data("gw-agent-sim \(SimKit.version): not built yet\n".utf8))
exit(1)
