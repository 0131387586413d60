/// Token counts in the four kinds the Messages API bills.
public struct TokenCounts: Sendable, Equatable, Codable {
    public var input: Int
    /// Tokens written to the prompt cache (billed above input).
    public var cacheWrite: Int
    /// Tokens read back from the cache (billed at a tenth of input).
    public var cacheRead: Int
    public var output: Int

    public init(input: Int = 0, cacheWrite: Int = 0, cacheRead: Int = 0, output: Int = 0) {
        self.input = input
        self.cacheWrite = cacheWrite
        self.cacheRead = cacheRead
        self.output = output
    }

    /// What a token budget counts: input, cache writes and output. Cache reads are left out: a Mayor that
    /// keeps its context re-reads all of it from the cache on every turn, at a tenth of the price, and
    /// counting that would make a long conversation look ten times its cost.
    public var counted: Int { input + cacheWrite + output }

    public var all: Int { counted + cacheRead }

    public static func + (left: TokenCounts, right: TokenCounts) -> TokenCounts {
        TokenCounts(input: left.input + right.input, cacheWrite: left.cacheWrite + right.cacheWrite,
                    cacheRead: left.cacheRead + right.cacheRead, output: left.output + right.output)
    }

    public static func += (left: inout TokenCounts, right: TokenCounts) { left = left + right }
}
