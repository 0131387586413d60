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

        [notify]
        # Notifications go through a durable outbox in the ledger (docs/notifications.md).
        # Failed attempts before a notification is marked failed (then `gw notify retry ID`).
        # max_attempts = 8
        # The first retry delay; each later one doubles, up to max_backoff.
        # backoff = "5s"
        # max_backoff = "10m"
        #
        # Targets: one table each. Secrets come from an environment variable (*_env) or a file only you
        # can read (*_file, chmod 600), never from this file. Every target takes timeout = "10s".
        #
        # [notify.targets.phone]
        # kind = "telegram"
        # chat_id = 123456789
        # token_env = "TELEGRAM_BOT_TOKEN"      # or token_file = "~/.config/gateway/telegram-token"
        # api_base = "https://api.telegram.org"
        #
        # [notify.targets.mail]
        # kind = "email"
        # host = "smtp.example.com"
        # tls = "starttls"                      # "starttls" (port 587), "implicit" (465) or "none" (25)
        # port = 587
        # username = "me@example.com"
        # password_env = "SMTP_PASSWORD"        # or password_file = "PATH"
        # auth = "auto"                         # "auto", "plain" or "login"
        # from = "Gateway <me@example.com>"
        # to = ["me@example.com"]
        # ca_file = "PATH"                      # a CA certificate (PEM) for a server with a private certificate
        #
        # [notify.targets.desktop]
        # kind = "desktop"                      # osascript / terminal-notifier on macOS, notify-send on Linux
        #
        # [notify.targets.hook]
        # kind = "webhook"
        # url = "https://ntfy.sh/my-topic"
        # headers_env = { Authorization = "WEBHOOK_AUTH" }
        #
        # [notify.targets.terminal]
        # kind = "console"                      # prints to the terminal, or the daemon's log

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
