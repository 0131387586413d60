// swift-tools-version: 6.2
import PackageDescription

// Every dependency here is rebuilt from scratch by CI on 2 cores, so each one must earn its minutes:
// ArgumentParser (CLI), Logging (diagnostics), GRDB (the SQLite ledger), TOMLKit (gateway.toml),
// ServiceLifecycle (the daemon's services, started in order and stopped gracefully on SIGTERM).
// MCP (the stdio server `gw mcp serve` that gives the Mayor its memory tools), linked only into `gw-mcp`:
// it brings FoundationNetworking (libcurl, TLS, Kerberos), which would slow every `gw` start.
let package = Package(
    name: "Gateway",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gw", targets: ["gw"]),
        .executable(name: "gw-mcp", targets: ["gw-mcp"]),
        .executable(name: "gw-model-sim", targets: ["gw-model-sim"]),
        .executable(name: "gw-agent-sim", targets: ["gw-agent-sim"]),
        .library(name: "GatewayKit", targets: ["GatewayKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
    ],
    targets: [
        // One C function Swift's Glibc module does not expose (spawning a child in a given folder).
        .target(name: "CGatewayShims"),
        // The domain, in modules whose dependencies run one way (docs/architecture.md draws the graph).
        // None imports ArgumentParser. The core: environment, processes, files, git, the ledger database,
        // config primitives, the town's layout.
        .target(
            name: "GatewayCore",
            dependencies: [
                "CGatewayShims",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // Notifications: targets, the durable outbox and its worker.
        .target(name: "GatewayNotify", dependencies: ["GatewayCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // Hooks: agents' git-backed storage.
        .target(name: "GatewayHooks", dependencies: ["GatewayCore"]),
        // Agents: tmux, runtime, lifecycle, turn delivery, screens, hook events, turns.
        .target(name: "GatewayAgents", dependencies: ["GatewayCore", "GatewayHooks", "GatewayNotify", .product(name: "GRDB", package: "GRDB.swift")]),
        // Memory: daily logs, MEMORY.md, the search index, priming, session extraction.
        .target(name: "GatewayMemory", dependencies: ["GatewayCore", "GatewayHooks", "GatewayAgents", .product(name: "GRDB", package: "GRDB.swift"),
                                                  .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        // Usage: tokens per turn from the transcripts, prices, budgets.
        .target(name: "GatewayUsage", dependencies: ["GatewayCore", "GatewayAgents", .product(name: "GRDB", package: "GRDB.swift")]),
        // Work: rigs, crew, formulas, convoys, polecats.
        .target(name: "GatewayWork", dependencies: ["GatewayCore", "GatewayHooks", "GatewayAgents", "GatewayUsage", .product(name: "GRDB", package: "GRDB.swift")]),
        // Chat: the bot's poller, who may talk to the Mayor, messages as Mayor turns and their replies.
        .target(name: "GatewayChat", dependencies: ["GatewayCore", "GatewayNotify", "GatewayAgents", .product(name: "GRDB", package: "GRDB.swift")]),
        // The heartbeat: HEARTBEAT.md, the schedule, a beat's run and its reply.
        .target(name: "GatewayHeartbeat", dependencies: ["GatewayCore", "GatewayAgents", "GatewayMemory", "GatewayNotify", "GatewayWork", "GatewayUsage", .product(name: "GRDB", package: "GRDB.swift")]),
        // The app: assembles the town, the config and the daemon from the features.
        .target(
            name: "GatewayKit",
            dependencies: [
                "GatewayCore", "GatewayNotify", "GatewayHooks", "GatewayAgents", "GatewayMemory", "GatewayWork", "GatewayHeartbeat", "GatewayChat", "GatewayUsage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // `gw demo`: a scripted tour on the built-in agent, outside the domain.
        .target(name: "GatewayDemo", dependencies: ["GatewayKit"]),
        // The command tree: parses, calls GatewayKit, renders.
        .target(
            name: "GatewayCLI",
            dependencies: [
                "GatewayKit",
                "GatewayDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The MCP server: Gateway's memory and status as tools for the Mayor.
        .target(
            name: "GatewayMCP",
            dependencies: ["GatewayKit", .product(name: "MCP", package: "swift-sdk")]
        ),
        .executableTarget(name: "gw", dependencies: ["GatewayCLI"]),
        // What `gw mcp serve` execs: the MCP server in a program of its own, installed beside `gw`.
        .executableTarget(name: "gw-mcp", dependencies: [
            "GatewayMCP", "GatewayKit", "GatewayCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Test doubles (named as such everywhere): a scripted model server and a terminal double of Claude Code.
        // A small loopback HTTP/1.1 server for the doubles: the scripted model server and the fake Bot API in tests.
        .target(name: "LoopbackHTTP"),
        .target(name: "SimKit", dependencies: ["LoopbackHTTP", .product(name: "TOMLKit", package: "TOMLKit")]),
        .executableTarget(name: "gw-model-sim", dependencies: ["SimKit"]),
        .executableTarget(name: "gw-agent-sim", dependencies: ["SimKit"]),
        // Benchmarks: `scripts/bench` builds this in release mode and prints `name value unit` lines.
        .executableTarget(name: "gw-bench", dependencies: [
            "GatewayCore", "GatewayNotify", "GatewayHooks", "GatewayAgents", "GatewayMemory", "GatewayWork", "GatewayHeartbeat", "GatewayChat", "GatewayUsage",
            "GatewayKit", "LoopbackHTTP", .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "gw-bench-hello"), // the floor gw-bench compares `gw agent-event` with: a Foundation hello-world
        // What the test targets share: temporary folders, the test environment, shell helpers, the
        // doubles' process wrappers and the test towns. A plain target, because a test target cannot
        // depend on another; it sees only the domain's public API, so it builds in release as well.
        .target(
            name: "GatewayTestSupport",
            dependencies: [
                "GatewayCore", "GatewayNotify", "GatewayHooks", "GatewayAgents", "GatewayMemory", "GatewayWork", "GatewayHeartbeat",
                "GatewayKit", "LoopbackHTTP", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/GatewayTestSupport"
        ),
        // The domain's tests: they run `gw` as the built binary, never the command tree in-process.
        .testTarget(name: "GatewayKitTests", dependencies: [
            "GatewayCore", "GatewayNotify", "GatewayHooks", "GatewayAgents", "GatewayMemory", "GatewayWork", "GatewayHeartbeat", "GatewayChat", "GatewayUsage",
            "GatewayKit", "LoopbackHTTP", "GatewayTestSupport",
        ]),
        // The command tree's tests (install, rigs, notify, doctor, config, heartbeat dry-run, demo): in-process
        // through GatewayMain, or the built binary.
        .testTarget(name: "GatewayCLITests", dependencies: [
            "GatewayCore", "GatewayNotify", "GatewayHooks", "GatewayAgents", "GatewayMemory", "GatewayWork", "GatewayHeartbeat",
            "GatewayKit", "GatewayCLI", "LoopbackHTTP", "GatewayTestSupport",
        ]),
        .testTarget(name: "SimKitTests", dependencies: ["SimKit", "LoopbackHTTP"]),
    ],
    swiftLanguageModes: [.v6]
)
