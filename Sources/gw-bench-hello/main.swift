import Foundation

// The floor `gw agent-event` is measured against: a process built exactly like gw (release, the same
// package and flags) that loads Foundation and does one thing — what any hook command costs at least.
print("hello from \(ProcessInfo.processInfo.processName)")
