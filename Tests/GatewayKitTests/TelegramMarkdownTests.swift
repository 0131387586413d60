import Testing
@testable import GatewayNotify

/// Markdown as Claude writes it, rendered into the HTML subset Telegram accepts.
@Suite struct TelegramMarkdownTests {
    /// The single part `markdown` renders to.
    func one(_ markdown: String) -> TelegramFormat.Part {
        let parts = TelegramMarkdown.parts(markdown)
        #expect(parts.count == 1)
        for part in parts { #expect(TelegramHTMLCheck.problem(in: part.html) == nil) }
        return parts[0]
    }

    func html(_ markdown: String) -> String { one(markdown).html }

    @Test func emphasisBecomesBoldItalicAndStrike() {
        #expect(html("**bold** and __also__") == "<b>bold</b> and <b>also</b>")
        #expect(html("*it* and _it_") == "<i>it</i> and <i>it</i>")
        #expect(html("~~gone~~ but ~5 min") == "<s>gone</s> but ~5 min")
        #expect(html("***both***") == "<b><i>both</i></b>")
        #expect(html("**bold *and italic* inside**") == "<b>bold <i>and italic</i> inside</b>")
        #expect(one("**bold** text").plain == "bold text")
    }

    @Test func unmatchedMarkersStayAsWritten() {
        #expect(html("2 * 3 * 4") == "2 * 3 * 4")
        #expect(html("a lone ** here") == "a lone ** here")
        #expect(html("snake_case_name and __init__") == "snake_case_name and <b>init</b>")
        #expect(html("file_name_here.txt") == "file_name_here.txt")
        #expect(html("**not closed") == "**not closed")
        #expect(html("*a **b* c**") == "<i>a **b</i> c**")
        #expect(html(#"\*not italic\* and \_x\_"#) == "*not italic* and _x_")
        #expect(one(#"\*x\*"#).plain == "*x*")
    }

    @Test func codeSpansShowTheirTextVerbatim() {
        #expect(html("run `gw <cmd> & **x**` now") == "run <code>gw &lt;cmd&gt; &amp; **x**</code> now")
        #expect(html("``a ` b``") == "<code>a ` b</code>")
        #expect(html("`` `x` ``") == "<code>`x`</code>")
        #expect(html("an ` alone") == "an ` alone")
        #expect(html(#"`C:\path\`"#) == #"<code>C:\path\</code>"#)
        // Code drops the bold around it: Telegram's code holds no other format.
        #expect(html("**`x`**") == "<code>x</code>")
        #expect(one("use `ls`").plain == "use ls")
    }

    @Test func fencedBlocksBecomePre() {
        #expect(html("```swift\nlet a = 1 < 2\n```") == "<pre><code class=\"language-swift\">let a = 1 &lt; 2</code></pre>")
        #expect(html("```\nplain\n  indented\n```\nafter") == "<pre>plain\n  indented</pre>\nafter")
        #expect(html("```python\nnever closed\n**x**") == "<pre><code class=\"language-python\">never closed\n**x**</code></pre>")
        #expect(html("~~~\ntilde\n~~~") == "<pre>tilde</pre>")
        #expect(html("```\"><script>\nx\n```").hasPrefix("<pre><code class=\"language-script\">"))
        #expect(html("```a```") == "<code>a</code>")
        #expect(one("```swift\nlet a = 1\n```").plain == "let a = 1")
    }

    @Test func linksOnlyForSafeSchemes() {
        #expect(html("[docs](https://example.com/a?b=1&c=\"2\")") == "<a href=\"https://example.com/a?b=1&amp;c=&quot;2&quot;\">docs</a>")
        #expect(html("[mail](mailto:a@b.c) [tg](tg://resolve?domain=x)") == "<a href=\"mailto:a@b.c\">mail</a> <a href=\"tg://resolve?domain=x\">tg</a>")
        #expect(html("[x](javascript:alert(1))") == "[x](javascript:alert(1))")
        #expect(html("[x](file:///etc/passwd)") == "[x](file:///etc/passwd)")
        #expect(html("[wiki](https://en.wikipedia.org/wiki/Foo_(bar))") == "<a href=\"https://en.wikipedia.org/wiki/Foo_(bar)\">wiki</a>")
        #expect(html("<https://example.com>") == "<a href=\"https://example.com\">https://example.com</a>")
        #expect(html("[**bold** link](http://a.b)") == "<a href=\"http://a.b\"><b>bold</b> link</a>")
        #expect(html("[`code`](http://a.b)") == "<a href=\"http://a.b\">code</a>")
        #expect(html("[not a link] (http://a.b)") == "[not a link] (http://a.b)")
        #expect(one("see [docs](https://example.com)").plain == "see docs (https://example.com)")
        #expect(one("<https://example.com>").plain == "https://example.com")
    }

    @Test func headingsListsQuotesAndRules() {
        #expect(html("# Title\n### Sub *x* ###") == "<b>Title</b>\n<b>Sub <i>x</i></b>")
        #expect(html("#hashtag") == "#hashtag")
        #expect(html("- one\n* two\n  + nested\n1. first\n2) second") == "• one\n• two\n  • nested\n1. first\n2) second")
        #expect(html("- [ ] todo\n- [x] done") == "• ☐ todo\n• ☑ done")
        #expect(html("> quoted **b**\n> more\n\nafter") == "<blockquote>quoted <b>b</b>\nmore</blockquote>\n\nafter")
        #expect(html(">> deep\n> > deeper") == "<blockquote>deep\ndeeper</blockquote>")
        #expect(html("above\n\n---\n\n***\nbelow") == "above\n\n———\n\n———\nbelow")
        #expect(one("# Title\n- item\n> quote").plain == "Title\n• item\nquote")
    }

    @Test func tablesBecomeAlignedPre() {
        let table = "| Name | **Value** |\n|---|:--:|\n| a | 1 |\n| long name | `22` |"
        #expect(html(table) == "<pre>Name      | Value\n----------+------\na         | 1\nlong name | 22</pre>")
        #expect(html("a | b without a delimiter row") == "a | b without a delimiter row")
    }

    @Test func everythingElseIsEscaped() {
        #expect(html("<script>alert(1)</script> &amp; <b>") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &lt;b&gt;")
        #expect(one("<b>x</b> &amp;").plain == "<b>x</b> &amp;")
        #expect(html("a\r\nb\rc\u{0}d\u{7}e") == "a\nb\ncde")
    }

    @Test func paragraphsKeepBlankLinesAndCollapseRuns() {
        #expect(html("one\ntwo\n\n\n\nthree") == "one\ntwo\n\nthree")
        #expect(html("\n\n  first\n\n") == "first")
    }

    @Test func emptyInputGivesOneEmptyPart() {
        for input in ["", "   ", "\n\n\t\n", "```\n```"] {
            #expect(TelegramMarkdown.parts(input) == [TelegramFormat.Part(html: "", plain: "")])
        }
    }
}
