import Foundation

/// The first files of a new hook branch.
public enum HookTemplates {
    public static let memory = """
        # MEMORY.md

        Long-term memory of this town's Mayor: durable facts, decisions and preferences worth keeping
        across sessions. Daily notes go to memory/YYYY-MM-DD.md.

        """

    public static let memoryFolderNote = """
        Daily logs live here, one file a day: YYYY-MM-DD.md.

        """

    /// The first file on a new agent's hook branch.
    public static func hookNote(agent: String) -> String {
        """
        # Hook of \(agent)

        Durable storage of the agent \(agent): work hung for it (work/) and the results it leaves.
        Every change is a commit on branch hooks/\(agent).

        """
    }
}
