/// Formulas shipped in the binary, as TOML text parsed by the same reader as town files. A town file
/// `formulas/NAME.toml` overrides the built-in of that name.
public enum BuiltInFormulas {
    /// The TOML text of every built-in, by name.
    public static let all: [String: String] = [
        "daily-news": dailyNews,
        "memory-organize": memoryOrganize,
        "code-review": codeReview,
        "bug-fix": bugFix,
        "dependency-audit": dependencyAudit,
    ]
}
