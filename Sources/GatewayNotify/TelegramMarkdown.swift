/// Renders the Markdown a Claude model writes into Telegram's HTML (`parse_mode = "HTML"`), split into
/// messages Telegram accepts, each with a plain-text fallback for when Telegram refuses the HTML anyway.
///
/// Models write "Markdown" loosely, so this is not CommonMark: it recognises what replies actually use
/// and leaves anything it cannot match as the literal text. Parsing and splitting are hand-written scans,
/// linear in the input (no regular expressions), because the text is whatever a model produced, and a
/// reply that loops the daemon or crashes it would lose every message after it.
///
/// What comes out:
/// - `**b**`/`__b__` → `<b>`, `*i*`/`_i_` → `<i>` (never inside a word for `_`), `~~s~~` → `<s>`,
///   `` `code` `` → `<code>`, fenced blocks → `<pre>` or `<pre><code class="language-x">`.
/// - `[text](url)` and `<url>` → `<a href>` for http, https, mailto and tg URLs only; any other
///   link shows as the text it was written as.
/// - Headings → a bold line; `-`/`*`/`+` items → `• `; numbered items stay; `>` → `<blockquote>`
///   (nesting flattened: Telegram refuses nested quotes); rules → `———`; tables → an aligned `<pre>`.
/// - Everything else is escaped text. The fallback is the same text without markers, links as `text (url)`.
public enum TelegramMarkdown {
    /// Below this a message could not hold one escaped character with its tags; smaller limits are raised.
    static let minimumLimit = 8

    /// The messages for `markdown`: HTML pieces each below `limit` UTF-16 units, each with its plain fallback.
    ///
    /// Each part's `html` is strictly shorter than `limit` (limits below 8 count as 8), as is its `plain`.
    /// Input that shows nothing (empty, whitespace, only markers that render to nothing) gives exactly one
    /// part whose `html` and `plain` are both `""`; callers decide what an empty reply means.
    public static func parts(_ markdown: String, limit: Int = TelegramFormat.maxUnits) -> [TelegramFormat.Part] {
        let limit = max(limit, minimumLimit)
        var renderer = MarkdownBlocks(longestGrapheme: min(32, limit - 1))
        renderer.render(markdown)
        return MessageSplitter(text: renderer.text, limit: limit).parts()
    }
}
