/// Gateway's release, printed by `gw --version`. Raised by hand when a release is cut, so a bug report
/// that quotes it names the code that ran.
public enum GatewayVersion {
    public static let current = "0.3.0"
}
