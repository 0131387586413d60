import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

/// HEARTBEAT.md files that open with a `tasks:` block, as other agent runners write them.
@Suite struct HeartbeatTasksBlockTests {
    private func problems(_ text: String) -> [String] {
        do {
            _ = try HeartbeatDocument.parse(text)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    static let tasksBlockFile = """
        # HEARTBEAT.md

        tasks:

        - name: inbox-triage
          interval: 30m
          prompt: "Check for urgent unread messages from allowlisted senders. Alert only if action is needed."
        - name: calendar-scan
          interval: 2h
          prompt: 'Check the next 24 hours for meetings that need prep. Don''t alert twice.'
        - name: system-check
          interval: 1d
          prompt: Check gateway status, recent errors, and issue #42.
        - name: weekly-review
          prompt: |
            Review the week:
            - open pull requests
              - stale ones first

            Then summarise.
          interval: 1h30m

        # General rules

        - Keep alerts short.
        - If nothing needs attention, reply HEARTBEAT_OK.

        ## Not a task
        - also a note
        """

    @Test func eachEntryIsATaskWithItsIntervalAndPrompt() throws {
        let document = try HeartbeatDocument.parse(Self.tasksBlockFile)
        #expect(document.tasks.map(\.name) == ["inbox-triage", "calendar-scan", "system-check", "weekly-review"])
        #expect(document.tasks.map(\.line) == [5, 8, 11, 14])
        #expect(document.tasks.map(\.schedule) == [.every(.minutes(30)), .every(.hours(2)), .every(.hours(24)), .every(.minutes(90))])
        #expect(document.tasks[0].steps == ["Check for urgent unread messages from allowlisted senders. Alert only if action is needed."])
        #expect(document.tasks[1].body == "Check the next 24 hours for meetings that need prep. Don't alert twice.")
        // A plain prompt is prose to the end of the line: "#42" is not a comment.
        #expect(document.tasks[2].body == "Check gateway status, recent errors, and issue #42.")
        #expect(document.tasks[3].body == "Review the week:\n- open pull requests\n  - stale ones first\n\nThen summarise.")
        #expect(document.tasks.allSatisfy { !$0.isEmpty && $0.notify == nil && $0.priority == .normal })
        // Headings and bullets after the block are notes, never tasks — `##` included.
        #expect(document.notes == """
            # General rules

            - Keep alerts short.
            - If nothing needs attention, reply HEARTBEAT_OK.

            ## Not a task
            - also a note
            """)
    }

    @Test func thePromptCarriesTheEntriesAndTheNotes() throws {
        let document = try HeartbeatDocument.parse(Self.tasksBlockFile)
        let settings = HeartbeatSettings.test()
        let time = instant("2026-11-26T09:30:00Z")
        let plan = HeartbeatScheduler(settings: settings, document: document, startedAt: time).plan(at: time, marks: .none)
        let prompt = HeartbeatPrompt.render(plan, notes: document.notes, settings: settings, zone: zone("UTC"))
        #expect(prompt.contains("Standing notes from HEARTBEAT.md:\n\n# General rules\n\n- Keep alerts short."))
        #expect(prompt.contains("## inbox-triage\n(schedule every 30m)\nCheck for urgent unread messages"))
        #expect(prompt.contains("## weekly-review\n(schedule every 1h30m)\nReview the week:\n- open pull requests"))
        #expect(!prompt.contains("## Not a task\n("), "a heading after the block is a note, not a task")
    }

    @Test func intervalsScheduleEachEntry() throws {
        let document = try HeartbeatDocument.parse("tasks:\n- name: inbox\n  interval: 30m\n  prompt: a\n- name: calendar\n  interval: 2h\n  prompt: b\n")
        let start = instant("2026-11-26T00:00:00Z")
        var marks = HeartbeatMarks.none
        let decisions = simulate(HeartbeatScheduler(settings: .test(), document: document, startedAt: start),
                                 from: start, to: instant("2026-11-26T02:40:00Z"), marks: &marks)
        #expect(decisions.map(\.taskNames) == [["inbox", "calendar"], ["inbox"], ["inbox"], ["inbox"], ["inbox", "calendar"]])
    }

    @Test func indentedEntriesFoldedPromptsEscapesAndComments() throws {
        let document = try HeartbeatDocument.parse("""
            tasks:   # the checks
              - name: "inbox"   # quoted
                # a YAML comment inside an entry
                interval: "30m"
                prompt: >
                  Check the inbox
                  for urgent mail.

                  Then stop.
              -
                name: digest
                prompt: "Line one\\nLine two \\"quoted\\""
            - Keep alerts short.
            """)
        #expect(document.tasks.map(\.name) == ["inbox", "digest"])
        #expect(document.tasks[0].schedule == .every(.minutes(30)))
        #expect(document.tasks[0].body == "Check the inbox for urgent mail.\nThen stop.")
        #expect(document.tasks[1].schedule == .everyBeat, "an entry without an interval is due at every beat")
        #expect(document.tasks[1].body == "Line one\nLine two \"quoted\"")
        #expect(document.notes == "- Keep alerts short.")
    }

    @Test func windowsLineEndsAByteOrderMarkAndAHugePrompt() throws {
        let crlf = try HeartbeatDocument.parse("\u{FEFF}tasks:\r\n- name: a\r\n  interval: 30m\r\n  prompt: |\r\n    x\r\n    y\r\n\r\nNotes.\r\n")
        #expect(crlf.tasks.map(\.body) == ["x\ny"])
        #expect(crlf.notes == "Notes.")
        let huge = String(repeating: "check everything carefully; ", count: 20_000)
        let quoted = try HeartbeatDocument.parse("tasks:\n- name: big\n  prompt: \"\(huge)\"\n")
        #expect(quoted.tasks.first?.body == huge.trimmingCharacters(in: .whitespaces))
        let lines = (1...5_000).map { "    step \($0)" }.joined(separator: "\n")
        let block = try HeartbeatDocument.parse("tasks:\n- name: big\n  prompt: |\n\(lines)\n")
        #expect(block.tasks.first?.body.split(separator: "\n").count == 5_000)
    }

    @Test func tasksNotAtTheTopIsJustText() throws {
        let underHeading = try HeartbeatDocument.parse("## Inbox\ntasks:\n- name: x\n  prompt: y\n")
        #expect(underHeading.tasks.map(\.name) == ["Inbox"])
        #expect(underHeading.tasks[0].body.hasPrefix("tasks:\n- name: x"))
        let afterText = try HeartbeatDocument.parse("Answer briefly.\ntasks:\n- name: x\n  prompt: y\n")
        #expect(afterText.tasks.map(\.name) == [HeartbeatDocument.checklistTaskName])
        let indented = try HeartbeatDocument.parse("  tasks:\n- name: x\n")
        #expect(indented.tasks.map(\.name) == [HeartbeatDocument.checklistTaskName])
        let other = try HeartbeatDocument.parse("tasks: see below\n- check the inbox\n")
        #expect(other.tasks.map(\.steps) == [["check the inbox"]])
    }

    @Test func anEmptyListIsNoTaskAndANamelessHeadingIsNothing() throws {
        let none = try HeartbeatDocument.parse("tasks: []\n\n# Rules\n- be brief\n")
        #expect(none.tasks.isEmpty && none.isEffectivelyEmpty)
        #expect(none.notes == "# Rules\n- be brief")
        let nameless = try HeartbeatDocument.parse("# HEARTBEAT.md\n## \n- \n<!-- later -->\n##\n- [ ]\n## ##\n")
        #expect(nameless.isEffectivelyEmpty)
        // Like a blank line, a nameless heading neither starts a task nor ends one.
        #expect(try HeartbeatDocument.parse("## \n- do this\n").tasks.map(\.steps) == [["do this"]])
        #expect(try HeartbeatDocument.parse("## A\n- a\n## \n- b\n").tasks.map(\.steps) == [["a", "b"]])
    }

    @Test func blockProblemsNameTheLineAndTheFix() {
        #expect(problems("tasks:\n\n# Rules\n- be brief\n") == [
            "HEARTBEAT.md:1: \"tasks:\" opens a tasks block but no entry follows: add one like \"- name: inbox-triage\" with \"interval: 30m\" and \"prompt: …\" indented under it, or write \"tasks: []\"",
        ])
        #expect(problems("""
            tasks:
            - name: inbox
              prompt: a
            - name: Inbox
              prompt: b
            - name: calendar
              interval: 30m
            - interval: 2h
              prompt: c
            - name: news
              interval: soon
              model: haiku
              prompt: d
              prompt: e
            - name: tick
              interval: 30s
              prompt: ""
            """) == [
            "HEARTBEAT.md:12: unknown key \"model\" in a task entry: remove it, or use name, interval or prompt",
            "HEARTBEAT.md:14: key \"prompt\" is given twice in this task entry: keep one",
            "HEARTBEAT.md:4: task \"Inbox\" has the same name as the task at line 2: give each task its own name",
            "HEARTBEAT.md:6: task \"calendar\" has no prompt: add \"prompt: …\" under it, saying what to do",
            "HEARTBEAT.md:8: this task entry needs a name: add \"name: inbox-triage\"",
            "HEARTBEAT.md:11: task \"news\": interval \"soon\" is not an interval: write a duration of at least 1m, like \"30m\", \"2h\" or \"1d\"",
            "HEARTBEAT.md:16: task \"tick\": interval \"30s\" is not an interval: write a duration of at least 1m, like \"30m\", \"2h\" or \"1d\"",
            "HEARTBEAT.md:17: task \"tick\": the prompt is empty: say what to do, like prompt: \"Check the inbox for urgent mail\"",
        ])
        #expect(problems("tasks:\n- name: a\n\tinterval: 30m\n  prompt: \"unclosed\n- name: b\n  prompt: \"x\" y\n  just words\n") == [
            "HEARTBEAT.md:3: a tab indents this line: use spaces to indent the tasks block",
            "HEARTBEAT.md:4: prompt: the closing \" is missing: close the quote on the same line, or write \"|\" after the colon and the text on indented lines below",
            "HEARTBEAT.md:6: prompt: \"y\" follows the closing quote: put it inside the quotes",
            "HEARTBEAT.md:7: \"just words\" is not a key: value line: write it like \"interval: 30m\" (keys: name, interval, prompt)",
            "HEARTBEAT.md:2: task \"a\" has no prompt: add \"prompt: …\" under it, saying what to do",
            "HEARTBEAT.md:5: task \"b\" has no prompt: add \"prompt: …\" under it, saying what to do",
        ])
    }

    @Test func everyProblemIsOneLine() {
        #expect(problems("tasks:\n- name: \"a\\nb\"\n  prompt: x\n- name: c\n  interval: \"3\\n0m\"\n  prompt: y\n") == [
            "HEARTBEAT.md:2: task name \"a\\nb\" must be one line: remove its line breaks",
            "HEARTBEAT.md:5: task \"c\": interval \"3\\n0m\" is not an interval: write a duration of at least 1m, like \"30m\", \"2h\" or \"1d\"",
        ])
    }

    @Test func aBadBlockIsAConfigErrorWithItsLine() throws {
        let directory = TemporaryDirectory()
        try "tasks:\n- name: a\n  interval: sometimes\n  prompt: b\n".write(to: directory.path("HEARTBEAT.md"), atomically: true, encoding: .utf8)
        #expect(throws: GatewayError("HEARTBEAT.md:3: task \"a\": interval \"sometimes\" is not an interval: write a duration of at least 1m, like \"30m\", \"2h\" or \"1d\"", exit: .config)) {
            try HeartbeatDocument.load(from: directory.path("HEARTBEAT.md"))
        }
    }
}

/// The fault suite's OpenClaw-style sample is a good file before it is damaged.
@Suite struct HeartbeatTasksBlockSampleTests {
    @Test func theFaultSuitesSampleReadsAsThreeTasksAndNotes() throws {
        let document = try HeartbeatDocument.parse(BadInputSamples.heartbeatTasksBlock)
        #expect(document.tasks.map(\.name) == ["inbox-triage", "每日资讯", "backup"])
        #expect(document.notes.contains("Answer in Chinese"))
    }
}
