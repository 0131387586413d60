import Foundation

/// Calls `changed` when a file named in `names` inside `directory` is written, replaced, created or
/// removed: an event from the kernel, never a poll. The one platform seam of the daemon's config
/// reloads — inotify on Linux (`FileWatch+Linux.swift`), kqueue through Dispatch on macOS
/// (`FileWatch+Darwin.swift`). Only the directory's own entries are watched: editors that save by
/// writing a new file and renaming it over the old one are seen like those that write in place. A file
/// that is a symlink is watched as a name — an edit of its target elsewhere is seen by the daemon's
/// safety re-check or SIGHUP.
final class FileWatch: @unchecked Sendable {
    /// Cancels the kernel's watch; called once, by `cancel()`.
    private let stop: () -> Void

    init(directory: URL, names: Set<String>, changed: @escaping @Sendable () -> Void) throws {
        stop = try Self.start(directory: directory, names: names, changed: changed)
    }

    func cancel() { stop() }
}
