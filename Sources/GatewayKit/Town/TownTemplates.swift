/// The files `gw install` writes. Every setting is present and commented at its default, so a user
/// can read what exists without opening the docs.
public enum TownTemplates {
    public static func gatewayToml(name: String) -> String {
        """
        # Gateway town configuration. Every setting is shown at its default, commented out.
        # Uncomment and change what you need; `gw config check` validates this file.
        # Durations are written like "30s", "30m", "2h" or "1d"; clock times like "08:00" ("24:00" ends the day).

        [town]
        # A display name for this town (default: the folder's name).
        name = "\(name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))"

        [mayor]
        # The agent profile the Mayor runs: "claude" (Claude Code) or "sim" (the gw-agent-sim test double).
        # agent = "claude"

        [heartbeat]
        # How often the Mayor is woken with the due tasks of HEARTBEAT.md; "off" disables the heartbeat.
        # every = "30m"
        # When beats may run, in an IANA time zone (default: the system's zone). An end before the start
        # means overnight; leave active_hours out to be always active.
        # active_hours = { start = "08:00", end = "23:00", timezone = "Asia/Shanghai" }

        [hooks]
        # Every agent's hook is a git branch hooks/<agent> of this town repo. Set a remote (a URL or a path)
        # to push hook branches there after each commit, as a copy off this machine; a failed push is
        # retried, recorded and shown by `gw hook show`, and never blocks local work.
        # remote = ""
        # How long a write waits while another git (the agent's own) holds the hook worktree's lock.
        # lock_wait = "30s"
        # Push attempts per commit before the failure is recorded.
        # push_attempts = 3

        [memory]
        # The Mayor's memory: MEMORY.md and memory/YYYY-MM-DD.md in mayor/. Daily logs are dated in the
        # heartbeat's time zone. Priming (the text given to the Mayor when a session starts) may use at
        # most this many characters (10000 is Claude Code's limit for hook output).
        # prime_budget = 10000
        # How many of the most recent daily logs priming considers, newest first.
        # prime_days = 7

        """
    }

    public static let heartbeat = """
        # HEARTBEAT.md — the Mayor's standing tasks.
        #
        # Each `## heading` is one task; its bullets are the steps. On every beat the Mayor gets the tasks
        # that are due and answers each one under its own `## heading`: HEARTBEAT_OK when nothing needs
        # attention, otherwise what it found. A file holding only headings, comments and empty bullets
        # costs nothing: no beat calls the agent.
        #
        # An example from the design of this town (uncomment it to use it):
        #
        # ## 每日资讯
        # - 使用 WebSearch 搜索今天科技新闻
        # - 总结 3 条重要资讯
        # - 记录到 memory/YYYY-MM-DD.md
        # - 如果有重大突破，发送通知

        """

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

    public static let formulasNote = """
        # Formulas

        Task templates (TOML) that heartbeat tasks and slings can name. A file here overrides a built-in
        formula of the same name.

        """

    /// The main branch tracks the town's own files; the Mayor's hook, runtime state and every rig's
    /// clone and worktrees stay out of it.
    public static let gitignore = """
        # Kept out of the town's main branch by Gateway:
        /mayor/
        /.gateway/
        # Rig clones and worktrees (each rig folder holds .repo.git, crew/ and polecats/):
        .repo.git/
        /*/crew/
        /*/polecats/

        """
}
