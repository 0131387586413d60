import Foundation

/// Keeps a town's private state the owner's alone, whatever the umask: `.gateway/` (the ledger, the
/// daemon's log, agents' settings, other agents' hooks) and the Mayor's hook (its memory) are folders
/// no other account can enter, and the ledger's files are 0600 as well. Run at install and whenever an
/// agent starts, so a town made before this rule is closed too.
public enum TownPrivacy {
    public static func secure(_ town: Town) throws {
        try FileSystem.makePrivateDirectory(town.runtimeDirectory)
        try FileSystem.makePrivate(town.mayorDirectory, mode: FileSystem.privateDirectoryMode)
        // SQLite gives the -wal and -shm files the mode of the database file.
        for suffix in ["", "-wal", "-shm"] {
            try FileSystem.makePrivate(URL(fileURLWithPath: town.ledgerFile.path + suffix))
        }
    }
}
