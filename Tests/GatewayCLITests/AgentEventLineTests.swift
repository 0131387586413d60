import Testing
@testable import GatewayCLI

/// `gw agent-event`'s early path: the spellings a hook uses are read without the command tree, and
/// anything else is left to the tree, which parses or refuses it as for every command.
@Suite struct AgentEventLineTests {
    @Test func theHooksSpellingIsRead() {
        #expect(AgentEventLine(["agent-event", "Stop"]) == AgentEventLine(event: "Stop"))
    }

    @Test func agentTownAndVerboseAreReadInAnyOrder() {
        let expected = AgentEventLine(event: "UserPromptSubmit", agent: "mayor", town: "/t", verbose: true)
        #expect(AgentEventLine(["agent-event", "UserPromptSubmit", "--agent", "mayor", "--town", "/t", "--verbose"]) == expected)
        #expect(AgentEventLine(["agent-event", "--verbose", "--town=/t", "--agent=mayor", "UserPromptSubmit"]) == expected)
    }

    @Test func otherSpellingsAreLeftToTheCommandTree() {
        #expect(AgentEventLine(["agent-event"]) == nil)
        #expect(AgentEventLine(["agent-event", "--help"]) == nil)
        #expect(AgentEventLine(["agent-event", "Stop", "Extra"]) == nil)
        #expect(AgentEventLine(["agent-event", "Stop", "--agent"]) == nil)
        #expect(AgentEventLine(["agent-event", "Stop", "--json"]) == nil)
        #expect(AgentEventLine(["agent-died", "mayor"]) == nil)
        #expect(AgentEventLine(["status"]) == nil)
    }
}
