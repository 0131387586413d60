/// Shared pieces of Gateway's two test doubles, gw-model-sim and gw-agent-sim: the rules format,
/// the Anthropic wire format and the scripted model server.
public enum SimKit {
    public static let version = "0.1.0"
}
