import Foundation

/// The daemon writes its pid to `.gateway/daemon.pid`; a pid whose process is gone is stale.
public enum DaemonPidFile {
    public static func url(_ town: Town) -> URL { town.runtimeDirectory.appendingPathComponent("daemon.pid") }

    /// The running daemon's pid, or nil.
    public static func runningPid(_ town: Town) -> Int32? {
        guard let text = try? String(contentsOf: url(town), encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0, kill(pid, 0) == 0
        else { return nil }
        return pid
    }
}
