import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayHooks
@testable import GatewayMemory
import GatewayTestSupport

@Suite struct MemoryConfigTests {
    @Test func theTemplateParsesAndItsDefaultsAreTheDefaults() throws {
        let config = try GatewayConfig.parse(TownTemplates.gatewayToml(name: "t"))
        #expect(config.memory == MemorySettings())
        #expect(config.hooks == HooksSettings())
        // Uncommenting every line of the new sections keeps the file valid.
        let uncommented = TownTemplates.gatewayToml(name: "t").split(separator: "\n").map { line in
            ["# remote", "# lock_wait", "# push_attempts", "# prime_budget", "# prime_days", "# flush_at", "# context_window"].contains { line.trimmingCharacters(in: .whitespaces).hasPrefix($0) }
                ? String(line.trimmingCharacters(in: .whitespaces).dropFirst(2)) : String(line)
        }.joined(separator: "\n")
        let parsed = try GatewayConfig.parse(uncommented)
        #expect(parsed.memory.primeBudget == 10_000)
        #expect(parsed.memory == MemorySettings(), "the commented values are the defaults")
        #expect(parsed.hooks.remote == nil)
    }

    @Test func readsTheSections() throws {
        let config = try GatewayConfig.parse("""
            [hooks]
            remote = "/srv/backup.git"
            lock_wait = "5s"
            [memory]
            prime_budget = 6000
            prime_days = 3
            """)
        #expect(config.hooks.remote == "/srv/backup.git")
        #expect(config.hooks.lockWait == .seconds(5))
        #expect(config.memory.primeBudget == 6000)
        #expect(config.memory.primeDays == 3)
    }

    @Test func badValuesNameFileLineAndKey() {
        #expect { try GatewayConfig.parse("[memory]\nprime_budget = 20000\nsize = 1\n") } throws: { error in
            let text = "\(error)"
            return text.contains("gateway.toml:2: memory.prime_budget: must be between 500 and 10000")
                && text.contains("gateway.toml:3: memory.size: unknown key")
        }
        #expect { try GatewayConfig.parse("[hooks]\nlock_wait = \"soon\"\n") } throws: { error in
            "\(error)".contains("gateway.toml:2: hooks.lock_wait")
        }
    }
}
