import GatewayHooks
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
        # Enter is pressed once the pasted prompt shows in the input line; this is the longest wait for it.
        # paste_delay = "1s"
        # How long to wait for the agent to confirm a prompt (its UserPromptSubmit hook) before pressing
        # Enter once more; a prompt still unconfirmed after that fails loudly. Raise it on slow machines.
        # submit_timeout = "2s"
        # How long one turn may run before it is marked timed out.
        # turn_timeout = "30m"
        # After a crash the Mayor is restarted after restart_backoff, doubling up to restart_backoff_max;
        # crash_loop_restarts restarts within crash_loop_window stop the restarts and report a crash loop.
        # restart_backoff = "30s"
        # restart_backoff_max = "10m"
        # crash_loop_restarts = 5
        # crash_loop_window = "15m"

        # Agent profiles. Built in: "claude", "sim", and the untested presets "codex" and "gemini".
        # A profile of your own (agents without Claude-style hooks are read from the screen — less reliable):
        # [agents.mine]
        # command = "my-agent"
        # args = ["--flag"]
        # env = { MY_SETTING = "1" }
        # completion = "screen"          # or "hooks" for agents that speak Claude Code's hook contract
        # idle_pattern = "^> $"          # regular expressions matched against the screen
        # busy_pattern = "working"
        # permission_mode = "acceptEdits" # Claude Code only; "bypassPermissions" is an explicit opt-in
        # An agent does not inherit gw's whole environment, only an allowlist: PATH (.gateway/agent-bin
        # first), HOME, USER, LOGNAME, SHELL, LANG, LC_*, TERM, TZ, TMPDIR, TMUX_TMPDIR, SSH_AUTH_SOCK,
        # the proxy variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, ALL_PROXY, upper and lower case), what
        # Claude Code reads (CLAUDE_CONFIG_DIR, ANTHROPIC_*, CLAUDE_CODE_*, DISABLE_*, AWS_*,
        # CLOUD_ML_REGION, VERTEX_REGION_*, GOOGLE_APPLICATION_CREDENTIALS, NODE_EXTRA_CA_CERTS, …),
        # GW_TOWN, GW_AGENT and the profile's env. Name anything else it needs here; a variable that is
        # one of Gateway's own secrets (any *_env below, or holding a *_file secret's value) never passes.
        # (pass_env variables also sit in the town's tmux server, so a restarted agent keeps them.)
        # pass_env = ["GITHUB_TOKEN"]

        [heartbeat]
        # How often the Mayor is woken with the due tasks of HEARTBEAT.md; "off" disables the heartbeat.
        # The first beat comes one interval after the daemon starts, or after the last beat it recorded.
        # every = "30m"
        # When beats may run, in an IANA time zone (default: the system's zone). An end before the start
        # means overnight; "24:00" ends the day; leave active_hours out to be always active.
        # active_hours = { start = "08:00", end = "23:00", timezone = "Asia/Shanghai" }
        # Notification targets for findings, and for lines marked URGENT: (default: the notify targets).
        # A task can name its own with `> notify: …` in HEARTBEAT.md.
        # notify = []
        # urgent = []
        # A prompt replacing the built-in one. It may use {{time}}, {{timezone}}, {{date}}, {{log_file}},
        # {{notes}}, {{tasks}} and {{reply_protocol}}; the last two are appended when missing.
        # prompt = "Heartbeat at {{time}} ({{timezone}}). Be brief.\\n\\n{{tasks}}\\n\\n{{reply_protocol}}"
        # A reply holding HEARTBEAT_OK and at most this many other characters means "nothing to report".
        # ack_max_chars = 300
        # After sleep or downtime: "one" runs a single catch-up beat for all the missed ones; "none" drops them.
        # catch_up = "one"
        # When the daily memory-organising step becomes due, in the heartbeat's zone; "off" disables it.
        # organize_at = "04:00"

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

        [mcp]
        # The Mayor's `notify` tool (gw mcp serve): at most notify_limit notifications per notify_window,
        # counted across every agent's server, each at most notify_max_bytes of title and text. A refused
        # call tells the agent the limit and when it may try again.
        # notify_limit = 5
        # notify_window = "1m"
        # notify_max_bytes = 4096

        [hooks]
        # Every agent's hook is a git branch hooks/<agent> of this town repo. Set a remote (a URL or a path)
        # to push hook branches there after each commit, as a copy off this machine; a failed push is
        # retried, recorded and shown by `gw hook show`, and never blocks local work. A file holding one
        # of Gateway's secrets is left out of every commit, with a warning naming it.
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
        # When the Mayor's context (as its transcript's usage figures report it) passes this share of its
        # window, Gateway queues one turn asking it to append the day's durable facts to today's log,
        # once per compaction cycle.
        # flush_at = 0.8
        # context_window = 200000

        [polecats]
        # Polecats are temporary workers that `gw sling` hands a task to: each gets its own worktree of
        # the rig (branch polecat/<name>-<time>), its own agent in tmux and its own hook. At most this
        # many work at once; further slings wait in the ledger until a slot frees.
        # max = 4
        # The agent profile polecats run (empty: the Mayor's); `gw sling --agent` overrides it.
        # agent = ""

        [daemon]
        # `gw daemon run` (or `gw daemon start`, or the unit `gw daemon install` writes) supervises the
        # Mayor, runs the heartbeat and delivers notifications. Its log is .gateway/daemon.log. It reads
        # this file and HEARTBEAT.md again when they change, or on SIGHUP; a bad edit is reported and the
        # last good version kept.
        # How often the Mayor's pane is checked (tmux's pane-died hook reports a crash at once; this
        # check is the safety net for a vanished session).
        # health_check = "30s"
        # gw commands and hooks wake the daemon at once; this safety sweep finds what a lost wake-up left.
        # poll = "30s"
        # How long to wait after a failed heartbeat step before trying again.
        # beat_retry = "1m"
        # The safety net behind the watch on this file and HEARTBEAT.md: how often they are read anyway.
        # schedule_recheck = "1m"
        # How long `gw daemon stop` waits for a graceful stop before it kills the daemon.
        # stop_timeout = "30s"

        """
    }

    /// Lines starting with a single `#` and `<!-- … -->` blocks are comments to the heartbeat, so
    /// the title and the explanation below never count as a task.
    public static let heartbeat = """
        # HEARTBEAT.md

        <!--
        The Mayor's standing tasks. Each `## heading` is one task; its bullets are the steps. Options go
        on a `>` line right under the heading, for example:

            > schedule: daily 09:00 · notify: phone · priority: high

        Schedules: every 2h, daily 09:00, weekdays 08:30, weekends 10:00, weekly mon,thu 10:00 (none:
        every beat). On each beat the Mayor gets the tasks that are due and answers each one under its
        own `## heading`: HEARTBEAT_OK when nothing needs attention, otherwise what it found. Gateway
        appends the answer to the daily log and notifies you of findings. A file holding only headings,
        comments and empty bullets costs nothing: no beat calls the agent. See docs/heartbeat.md.

        An example from the design of this town (move it below this comment to use it):

        ## 每日资讯
        > schedule: daily 09:00 · notify: phone
        - 使用 WebSearch 搜索今天科技新闻
        - 总结 3 条重要资讯
        - 记录到 memory/YYYY-MM-DD.md
        - 如果有重大突破，发送通知
        -->

        """

    public static let formulasNote = """
        # Formulas

        Task templates (TOML) that heartbeat tasks and slings can name. A file here overrides a built-in
        formula of the same name. `gw formula list` shows them all, `gw formula show NAME` one of them,
        and `gw formula render NAME --var k=v` the exact prompt an agent gets. A file looks like this
        (`weekly-report.toml`):

            formula = "weekly-report"
            description = "Summarise the week of {{project}}."
            version = 1

            [vars.project]
            description = "The rig to report on."
            required = true

            [[steps]]
            id = "gather"
            title = "Read this week's commits in {{project}}"
            acceptance = "Every merged change is listed."

            [[steps]]
            id = "write"
            title = "Write the report"
            needs = ["gather"]
            acceptance = "At most one page, highlights first."

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
