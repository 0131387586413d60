/// Shared pieces of Gateway's two test doubles, gw-model-sim and gw-agent-sim.
public enum SimKit {
    public static let version = "0.1.0"
}
