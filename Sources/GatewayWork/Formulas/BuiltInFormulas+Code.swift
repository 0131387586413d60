extension BuiltInFormulas {
    /// Reviews a branch against its base: read, build and test, review, report. Changes nothing.
    static let codeReview = """
        formula = "code-review"
        description = "Review branch {{branch}} against {{base}} for {{focus}}, and write a verdict with concrete findings. Do not push, merge or change the branch."
        version = 1

        [vars.branch]
        description = "The branch to review."
        required = true

        [vars.base]
        description = "The branch it will merge into."
        default = "main"

        [vars.focus]
        description = "What to look at hardest."
        default = "correctness, tests and clarity"

        [[steps]]
        id = "read"
        title = "Read the change"
        description = '''
        Run `git log --oneline {{base}}..{{branch}}` and `git diff {{base}}...{{branch}}`. Open changed files
        in full where the diff hides the context.'''
        acceptance = "You can say in two sentences what the branch changes and why."

        [[steps]]
        id = "test"
        title = "Build and test {{branch}}"
        needs = ["read"]
        description = '''
        In a separate worktree (`git worktree add`), check out {{branch}} and run the project's build and
        test commands, as its README or CI configuration gives them.'''
        acceptance = "The exact commands and their results; each failure quoted."

        [[steps]]
        id = "review"
        title = "Review for {{focus}}"
        needs = ["read"]
        description = "Look for bugs, missing tests for new behaviour, unclear names and error paths that crash or stay silent."
        acceptance = "Each finding names file:line, what is wrong and a concrete fix; no nits a linter would catch."

        [[steps]]
        id = "report"
        title = "Write the review"
        needs = ["test", "review"]
        description = "First line: approve, approve with changes, or request changes. Then the findings, most severe first, then the test results."
        acceptance = "The verdict is on the first line and every blocking finding has a fix."
        """

    /// Fixes a bug the disciplined way: reproduce, a failing test first, then the fix, then a commit.
    static let bugFix = """
        formula = "bug-fix"
        description = "Fix this bug with a failing test first: {{issue}}"
        version = 1

        [vars.issue]
        description = "The bug: its symptom and how to reproduce it, or a link to the report."
        required = true

        [[steps]]
        id = "reproduce"
        title = "Reproduce the bug"
        description = "Find the smallest command or input that shows the bug on the current code."
        acceptance = "A command you ran, with its wrong output quoted."

        [[steps]]
        id = "test"
        title = "Write a failing test"
        needs = ["reproduce"]
        description = "Add a test in the project's test suite that shows the bug, next to the tests of the code at fault."
        acceptance = "The new test fails on the current code, for the reason of the bug (quote the failure)."

        [[steps]]
        id = "cause"
        title = "Find the cause"
        needs = ["reproduce"]
        acceptance = "You can point at the lines responsible and say why they are wrong."

        [[steps]]
        id = "fix"
        title = "Fix it"
        needs = ["test", "cause"]
        description = "Make the smallest change that removes the cause; do not refactor around it."
        acceptance = "The new test passes and the whole test suite passes."

        [[steps]]
        id = "commit"
        title = "Commit on a new branch"
        needs = ["fix"]
        description = "Commit the test and the fix together on a new branch named fix/SHORT-NAME, never on the default branch, with a message that says what was broken and why."
        acceptance = "`git log -1` shows the commit on the fix/ branch and `git status` is clean."
        """

    /// Audits a project's dependencies for known vulnerabilities and staleness, without changing files.
    static let dependencyAudit = """
        formula = "dependency-audit"
        description = "Audit the dependencies of {{project}} for known vulnerabilities and outdated versions, and recommend upgrades. Change no files."
        version = 1

        [vars.project]
        description = "The project folder or rig to audit."
        default = "the current project"

        [[steps]]
        id = "inventory"
        title = "List the dependencies"
        description = '''
        From the manifests and lock files (Package.resolved, package-lock.json, Cargo.lock, go.sum,
        requirements files and the like), list each direct dependency with its allowed range and resolved version.'''
        acceptance = "A table of name, allowed range and resolved version covering every manifest."

        [[steps]]
        id = "advisories"
        title = "Check known vulnerabilities"
        needs = ["inventory"]
        description = '''
        Run the ecosystem's audit tool when it is installed (npm audit, cargo audit, pip-audit, govulncheck);
        otherwise look each dependency up in the OSV or GitHub advisory databases.'''
        acceptance = "Every dependency is marked clean or listed with its advisory id and the first fixed version."

        [[steps]]
        id = "outdated"
        title = "Find newer releases"
        needs = ["inventory"]
        acceptance = "Every dependency with a newer release lists it, with major version jumps marked."

        [[steps]]
        id = "report"
        title = "Recommend upgrades"
        needs = ["advisories", "outdated"]
        description = "Security fixes first, then major versions worth the work, then the rest. Change no files."
        acceptance = "Each recommendation names the dependency, the target version and the risk; `git status` is clean."
        """
}
