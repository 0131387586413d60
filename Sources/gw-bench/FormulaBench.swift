import Foundation
import GatewayKit
import GatewayCore
import GatewayWork

/// Loading and rendering a built-in formula (parse, checks, topological order, substitution), next to
/// parsing the town's gateway.toml template with the same TOML reader.
struct FormulaBench: BenchSuite {
    let name = "formula"
    let iterations = 200

    func run(_ reporter: BenchReporter) async throws {
        let library = FormulaLibrary(town: Town(root: FileManager.default.temporaryDirectory.appendingPathComponent("gw-bench-no-town")))
        let config = TownTemplates.gatewayToml(name: "bench")
        var configTimes: [Double] = []
        var renderTimes: [Double] = []
        for _ in 0..<iterations {
            configTimes.append(try Bench.milliseconds { _ = try GatewayConfig.parse(config) })
            renderTimes.append(try Bench.milliseconds { _ = try library.load("daily-news").render(variables: ["topic": "AI"]) })
        }
        let configMedian = Bench.percentile(configTimes, 50)
        let renderMedian = Bench.percentile(renderTimes, 50)
        reporter.report("formula.config_parse_p50", configMedian, "ms")
        reporter.report("formula.daily_news_render_p50", renderMedian, "ms", baseline: "formula.config_parse_p50")
        reporter.report("formula.render_over_config_ratio", renderMedian / max(configMedian, 0.001), "x")
    }
}
