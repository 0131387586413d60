import Foundation
import GatewayKit
import GatewayCore

/// What the kernel knows about other processes, for tests that must prove something did *not* happen
/// without sleeping: a process blocked on a lock has provably not yet run what the lock guards, and a
/// handler that has exited can no longer act.
public enum KernelFacts {
    /// The command lines of the processes blocked waiting for a flock on `url`. Linux lists each
    /// waiter in /proc/locks with `->` before it (`3: -> FLOCK ADVISORY WRITE PID MAJ:MIN:INODE 0 EOF`).
    public static func flockWaiters(on url: URL) throws -> [String] {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return [] }
        let inode = String(info.st_ino)
        return try String(contentsOfFile: "/proc/locks", encoding: .utf8).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 6, fields[1] == "->", fields[2] == "FLOCK",
                  fields[6].split(separator: ":").last.map(String.init) == inode else { return nil }
            return commandLine(String(fields[5]))
        }
    }

    /// The pids of the processes whose command line contains `text` and which have `url` open: a
    /// process that polls a lock without blocking leaves no waiter in /proc/locks, but this trace.
    public static func processes(commandLineContaining text: String, withOpen url: URL) -> [String] {
        let target = url.resolvingSymlinksInPath().path
        return allPids().filter { commandLine($0).contains(text) }.filter { pid in
            let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
            return descriptors.contains { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")) == target }
        }
    }

    /// The pids of `pid`'s children, from each process's parent in /proc/PID/stat.
    public static func children(of pid: String) -> [String] {
        allPids().filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            // After the command's name in parentheses: state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && fields[1] == pid
        }
    }

    private static func allPids() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }

    /// A process's arguments joined by spaces ("" once it has exited).
    public static func commandLine(_ pid: String) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
        return String(decoding: data, as: UTF8.self).split(separator: "\u{0}").joined(separator: " ")
    }

    /// Whether any process's command line contains `text` (pgrep -f, which never matches itself).
    public static func anyProcess(commandLineContaining text: String) async throws -> Bool {
        let pattern = NSRegularExpression.escapedPattern(for: text)
        let result = try await LiveProcessRunner().run(Command("pgrep", ["-f", "--", pattern]))
        guard result.status <= 1 else { throw GatewayError("pgrep failed (\(result.status)): \(result.stderr)") }
        return result.status == 0
    }
}
