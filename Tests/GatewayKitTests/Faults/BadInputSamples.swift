import Foundation
import GatewayTestSupport

/// The valid inputs the bad-input scenario damages: one of each kind, written the way people and
/// Claude Code write them, with every section and option in use so mutations reach every reader.
enum BadInputSamples {
    /// A Telegram bot token and an SMTP password: they live in the environment and a private file,
    /// and must never show up in any error, `gw config check` output or `--json` output.
    static let telegramToken = "7312409987:AAFq3xSecretTokenValueZz9Kd0PqLw"
    static let smtpPassword = "hunter2-Very-Secret-Smtp-Pass"
    static let tokenVariable = "GW_FAULT_TELEGRAM_TOKEN"
    static let passwordFile = "secrets/smtp-password"

    static let gatewayToml = """
        # Gateway town configuration.
        [town]
        name = "Fault town"

        [mayor]
        agent = "sim"
        paste_delay = "300ms"
        submit_timeout = "2s"
        turn_timeout = "30m"
        restart_backoff = "30s"
        restart_backoff_max = "10m"
        crash_loop_restarts = 5
        crash_loop_window = "15m"

        [agents.mine]
        command = "my-agent"
        args = ["--flag"]
        env = { MY_SETTING = "1" }
        completion = "screen"
        idle_pattern = "^> $"
        busy_pattern = "working"

        [heartbeat]
        every = "30m"
        active_hours = { start = "08:00", end = "23:00", timezone = "Asia/Shanghai" }
        notify = ["phone"]
        urgent = ["phone", "mail"]
        ack_max_chars = 300
        catch_up = "one"
        organize_at = "04:00"

        [notify]
        max_attempts = 8
        backoff = "5s"
        max_backoff = "10m"

        [notify.targets.phone]
        kind = "telegram"
        chat_id = 123456789
        token_env = "\(tokenVariable)"
        api_base = "https://api.telegram.org"
        timeout = "10s"

        [notify.targets.mail]
        kind = "email"
        host = "smtp.example.com"
        tls = "starttls"
        port = 587
        username = "me@example.com"
        password_file = "\(passwordFile)"
        auth = "auto"
        from = "Gateway <me@example.com>"
        to = ["me@example.com"]

        [notify.targets.hook]
        kind = "webhook"
        url = "https://ntfy.sh/my-topic"
        headers_env = { Authorization = "WEBHOOK_AUTH" }

        [notify.targets.terminal]
        kind = "console"

        [hooks]
        lock_wait = "30s"
        push_attempts = 3

        [memory]
        prime_budget = 10000
        prime_days = 7
        flush_at = 0.8
        context_window = 200000

        [polecats]
        max = 4
        agent = ""
        """

    /// The same file with the mistake the docs warn about: the token written straight into it.
    static var gatewayTomlWithInlineToken: String {
        gatewayToml.replacingOccurrences(of: "token_env = \"\(tokenVariable)\"", with: "token = \"\(telegramToken)\"")
    }

    /// HEARTBEAT.md as OpenClaw writes it: a `tasks:` block, then notes sent with every beat.
    static let heartbeatTasksBlock = """
        tasks:
          - name: inbox-triage
            interval: 30m
            prompt: "Check the inbox; anything from the bank is URGENT"
          - name: 每日资讯
            interval: 1h
            prompt: |
              使用 WebSearch 搜索今天科技新闻
              总结 3 条重要资讯
          - name: backup
            interval: 2h
            prompt: 'Check that last night''s backup finished'

        ## Notes
        - Answer in Chinese. Keep each finding under five lines.
        """

    static let heartbeat = """
        # HEARTBEAT.md

        Answer in Chinese. Keep each finding under five lines.
        <!-- a comment
        over two lines -->

        ## 每日资讯
        > schedule: daily 09:00 · notify: phone · formula: daily-news topic=AI
        - 使用 WebSearch 搜索今天科技新闻
        - 总结 3 条重要资讯

        ## Check the inbox
        > priority: high · urgent: phone
        - Look for mail from the bank or the landlord
        - [ ] Anything that needs an answer today is URGENT

        ## Backup
        > schedule: every 2h
        > notify: phone, mail
        - Check that last night's backup finished

        ### Details
        ```sh
        ls /backups
        ## not a task
        ```

        ## Weekly review
        > schedule：weekly mon,thu 10:00；priority：low
        1. Read the week's logs
        2. Note what repeats
        """

    /// One payload per hook event, as Claude Code sends them on stdin.
    static func hookPayloads(transcript: String, cwd: String) -> [(event: String, json: String)] {
        let common: [String: Any] = ["session_id": "0b9f3a52-5b1e-4c7e-9d55-1f4c2a9d7e10", "transcript_path": transcript, "cwd": cwd]
        let events: [(String, [String: Any])] = [
            ("SessionStart", ["hook_event_name": "SessionStart", "source": "startup"]),
            ("UserPromptSubmit", ["hook_event_name": "UserPromptSubmit", "prompt": "Check the inbox", "prompt_id": "p-1"]),
            ("Stop", ["hook_event_name": "Stop", "stop_hook_active": false, "last_assistant_message": "Nothing urgent. HEARTBEAT_OK"]),
            ("StopFailure", ["hook_event_name": "StopFailure", "error": "overloaded", "error_details": ["status": 529, "type": "overloaded_error"]]),
            ("PreCompact", ["hook_event_name": "PreCompact", "trigger": "auto", "custom_instructions": ""]),
            ("SessionEnd", ["hook_event_name": "SessionEnd", "reason": "exit"]),
            ("PermissionRequest", ["hook_event_name": "PermissionRequest", "tool_name": "Bash", "tool_input": ["command": "rm -rf build", "description": "clean"]]),
        ]
        return events.map { name, fields in
            let object = common.merging(fields) { _, new in new }
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return (name, String(decoding: data, as: UTF8.self))
        }
    }

    /// A Claude Code transcript: prompts, a reply split over two records, tool traffic, a meta record,
    /// a sidechain, usage figures and a compaction summary.
    static let transcript = [
        #"{"type":"summary","summary":"Earlier work","leafUuid":"u0"}"#,
        #"{"type":"user","uuid":"u1","promptId":"p-1","timestamp":"2026-11-26T09:00:00.000Z","isSidechain":false,"message":{"role":"user","content":"Check the inbox"}}"#,
        #"{"type":"assistant","uuid":"a1","timestamp":"2026-11-26T09:00:05.000Z","message":{"id":"msg_1","role":"assistant","content":[{"type":"thinking","thinking":"..."},{"type":"text","text":"Two mails from the bank."}],"usage":{"input_tokens":1200,"cache_creation_input_tokens":300,"cache_read_input_tokens":45000,"output_tokens":80}}}"#,
        #"{"type":"assistant","uuid":"a2","timestamp":"2026-11-26T09:00:06.000Z","message":{"id":"msg_1","role":"assistant","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"ls"}}],"usage":{"input_tokens":10,"output_tokens":5}}}"#,
        #"{"type":"user","uuid":"u2","timestamp":"2026-11-26T09:00:07.000Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"a b"}]}}"#,
        #"{"type":"assistant","uuid":"a3","timestamp":"2026-11-26T09:00:09.000Z","message":{"id":"msg_1","role":"assistant","content":[{"type":"text","text":"One needs an answer today: URGENT"}]}}"#,
        #"{"type":"user","uuid":"m1","isMeta":true,"message":{"role":"user","content":"<command-name>/clear</command-name>"}}"#,
        #"{"type":"assistant","uuid":"s1","isSidechain":true,"message":{"id":"msg_s","role":"assistant","content":[{"type":"text","text":"subagent"}]}}"#,
        #"{"type":"user","uuid":"u3","promptId":"p-2","timestamp":"2026-11-26T10:30:00Z","message":{"role":"user","content":[{"type":"text","text":"每日资讯"}]}}"#,
        #"{"type":"assistant","uuid":"a4","timestamp":"2026-11-26T10:30:04Z","message":{"id":"msg_2","role":"assistant","content":[{"type":"text","text":"三条资讯……\nHEARTBEAT_OK"}],"usage":{"input_tokens":900,"cache_read_input_tokens":52000}}}"#,
    ].joined(separator: "\n") + "\n"
}
