import GatewayCore

/// USD per million tokens of one model, in the four kinds the Messages API bills.
public struct ModelPrice: Sendable, Equatable {
    public var input: Double
    public var output: Double
    public var cacheWrite: Double
    public var cacheRead: Double

    public init(input: Double, output: Double, cacheWrite: Double, cacheRead: Double) {
        self.input = input
        self.output = output
        self.cacheWrite = cacheWrite
        self.cacheRead = cacheRead
    }

    /// Anthropic's usual ratios: a 5-minute cache write at 1.25× input, a cache read at 0.1×.
    static func standard(input: Double, output: Double) -> ModelPrice {
        ModelPrice(input: input, output: output, cacheWrite: input * 1.25, cacheRead: input / 10)
    }

    public func cost(_ tokens: TokenCounts) -> Double {
        (Double(tokens.input) * input + Double(tokens.output) * output
            + Double(tokens.cacheWrite) * cacheWrite + Double(tokens.cacheRead) * cacheRead) / 1_000_000
    }
}

/// `[usage.prices]`: the price table the cost estimate uses. Built in: Anthropic's published prices per
/// model family; `"MODEL-ID" = { input = …, output = …, cache_write = …, cache_read = … }` adds or
/// overrides one, matched by the model id or its start.
public struct UsagePrices: Sendable, Equatable {
    public var configured: [String: ModelPrice]

    public init(configured: [String: ModelPrice] = [:]) {
        self.configured = configured
    }

    /// Built-in prices by model id start, the longest match first; the family names catch later models.
    static let builtIns: [(prefix: String, price: ModelPrice)] = [
        ("claude-opus-4-0", .standard(input: 15, output: 75)),
        ("claude-opus-4-1", .standard(input: 15, output: 75)),
        ("claude-opus-4-2025", .standard(input: 15, output: 75)),
        ("claude-3-opus", .standard(input: 15, output: 75)),
        ("claude-3-5-haiku", .standard(input: 0.8, output: 4)),
        ("claude-3-haiku", .standard(input: 0.25, output: 1.25)),
        ("claude-opus", .standard(input: 5, output: 25)),
        ("claude-sonnet", .standard(input: 3, output: 15)),
        ("claude-3-5-sonnet", .standard(input: 3, output: 15)),
        ("claude-3-7-sonnet", .standard(input: 3, output: 15)),
        ("claude-haiku", .standard(input: 1, output: 5)),
    ]

    /// The price of `model`: a configured entry (exact, else the longest configured start), else a
    /// built-in one; nil when nothing matches, and the estimate says so.
    public func price(of model: String) -> ModelPrice? {
        if let exact = configured[model] { return exact }
        if let prefix = configured.keys.filter({ model.hasPrefix($0) }).max(by: { $0.count < $1.count }) { return configured[prefix] }
        return Self.builtIns.filter { model.hasPrefix($0.prefix) }.max { $0.prefix.count < $1.prefix.count }?.price
    }

    init(_ table: TableReader) {
        var configured: [String: ModelPrice] = [:]
        for model in table.keys {
            guard let entry = table.table(model) else {
                table.problem(model, "expected a table of prices, like \"\(model)\" = { input = 3.0, output = 15.0, cache_write = 3.75, cache_read = 0.30 }")
                continue
            }
            let input = entry.double("input", default: .nan, range: 0...1_000_000)
            let output = entry.double("output", default: .nan, range: 0...1_000_000)
            if !entry.contains("input") { entry.problem("input", "missing: USD per million input tokens, like input = 3.0") }
            if !entry.contains("output") { entry.problem("output", "missing: USD per million output tokens, like output = 15.0") }
            let cacheWrite = entry.double("cache_write", default: input.isNaN ? 0 : input * 1.25, range: 0...1_000_000)
            let cacheRead = entry.double("cache_read", default: input.isNaN ? 0 : input / 10, range: 0...1_000_000)
            entry.finish()
            guard !input.isNaN, !output.isNaN else { continue }
            configured[model] = ModelPrice(input: input, output: output, cacheWrite: cacheWrite, cacheRead: cacheRead)
        }
        self.configured = configured
    }
}

/// `[usage]`.
public struct UsageSettings: Sendable, Equatable {
    public var prices: UsagePrices

    public init(prices: UsagePrices = .init()) {
        self.prices = prices
    }

    public init(_ table: TableReader) {
        prices = table.table("prices").map(UsagePrices.init) ?? .init()
        table.finish()
    }
}
