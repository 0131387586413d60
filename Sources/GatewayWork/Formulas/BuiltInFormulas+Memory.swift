extension BuiltInFormulas {
    /// The owner's daily news task: search, pick, summarise, record in the daily log, alert on a breakthrough.
    static let dailyNews = """
        formula = "daily-news"
        description = "Find today's most important {{topic}} news, summarise {{count}} items in {{language}}, record them in today's daily log, and notify the owner only for a major breakthrough."
        version = 1

        [vars.topic]
        description = "What the news is about."
        default = "technology"

        [vars.count]
        description = "How many items to summarise."
        default = "3"

        [vars.language]
        description = "The language the summaries are written in."
        default = "English"

        [[steps]]
        id = "search"
        title = "Search today's {{topic}} news"
        description = '''
        Use web search for {{topic}} news published today (your local date). Prefer primary sources
        (announcements, papers, release notes) and reputable outlets. Note each story's source URL.'''
        acceptance = "At least {{count}} candidate stories from today, each with a source URL."

        [[steps]]
        id = "select"
        title = "Pick the {{count}} most important"
        needs = ["search"]
        description = '''
        Rank by lasting impact on people who build or use technology. Merge stories that report the same
        event, and drop anything already recorded in an earlier file under memory/.'''
        acceptance = "Exactly {{count}} stories chosen, none already in an earlier daily log."

        [[steps]]
        id = "summarise"
        title = "Summarise each in {{language}}"
        needs = ["select"]
        description = "For each story: a headline, at most three sentences on what happened and why it matters, and the link."
        acceptance = "{{count}} summaries in {{language}}, each with a headline, at most three sentences and its URL."

        [[steps]]
        id = "record"
        title = "Record them in today's daily log"
        needs = ["summarise"]
        description = '''
        Append a section "## {{topic}} news" with the summaries to memory/YYYY-MM-DD.md (today's date) in
        your hook folder, creating the file if it is missing. Never rewrite what is already there.'''
        acceptance = "Today's log ends with the new section and its earlier content is unchanged."

        [[steps]]
        id = "notify"
        title = "Notify the owner only for a major breakthrough"
        needs = ["summarise"]
        description = '''
        A breakthrough changes what is possible (not a routine release or funding round). If one of the
        stories is one, send a single urgent notification with its headline, one sentence on why, and the
        link: `gw notify send --priority urgent TEXT`. Otherwise send nothing.'''
        acceptance = "Either one notification was sent naming the breakthrough, or the log section says \\"No breakthrough today.\\""
        """

    /// Distils a day's log into MEMORY.md, marking outdated entries without deleting anything.
    static let memoryOrganize = """
        formula = "memory-organize"
        description = "Distil the daily log of {{day}} into MEMORY.md and mark entries it makes outdated. Append only: never delete or rewrite a line of MEMORY.md."
        version = 1

        [vars.day]
        description = "The day whose log is distilled, as YYYY-MM-DD or a word like yesterday."
        default = "yesterday"

        [[steps]]
        id = "read"
        title = "Read the daily log of {{day}} and MEMORY.md"
        description = "In your hook folder, open memory/YYYY-MM-DD.md for {{day}} and MEMORY.md."
        acceptance = "You can list the log's entries. If the log does not exist, stop here and say so."

        [[steps]]
        id = "distil"
        title = "Pick what will still matter next week"
        needs = ["read"]
        description = '''
        Keep facts, decisions, the owner's preferences, open commitments and lessons learned. Skip chatter,
        finished one-off results and anything MEMORY.md already says.'''
        acceptance = "A short list of entries, each traceable to a line of the log."

        [[steps]]
        id = "outdated"
        title = "Find MEMORY.md entries the log makes outdated"
        needs = ["read"]
        description = "An entry is outdated when the log contradicts or supersedes it. Note each one's wording and why."
        acceptance = "Each outdated entry is quoted with the reason, or you found none."

        [[steps]]
        id = "append"
        title = "Append to MEMORY.md"
        needs = ["distil", "outdated"]
        description = '''
        Append one section "## From {{day}}" at the end of MEMORY.md: the distilled entries, one line each,
        then a line "- outdated: <quoted entry> (<why>)" for each outdated entry. Change nothing above it.'''
        acceptance = "`git diff MEMORY.md` in the hook folder shows only added lines."
        """
}
