import Foundation

/// Placeholder until the shared SimKit rules land: only the echo.
enum RulesScript {
    static func load(path: String?, environment: [String: String]) throws(AgentSimError) -> any TurnScript {
        EchoScript()
    }
}
