import SimKit
import Foundation

// gw-model-sim: a TEST DOUBLE — a scripted model server speaking the Anthropic Messages API.
FileHandle.standardError.write(Data("gw-model-sim \(SimKit.version): not built yet\n".utf8))
exit(1)
