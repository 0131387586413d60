import Foundation

/// Names of rigs, crew and polecats become folders and branch names: keep them plain.
public enum Names {
    /// Folders in the town root that a rig may not take.
    public static let reserved: Set<String> = ["mayor", "formulas", "crew", "polecats", "hooks", "memory", "rigs.json", "gateway.toml", "HEARTBEAT.md"]

    public static func validate(_ name: String, kind: String) throws {
        let allowed = name.unicodeScalars.allSatisfy {
            (("a"..."z").contains($0) || ("A"..."Z").contains($0) || $0 == "-" || $0 == "_" || ("0"..."9").contains($0))
        }
        guard !name.isEmpty, name.count <= 64, allowed, let first = name.unicodeScalars.first,
              first != "-", first != "_"
        else {
            throw GatewayError.usage("\"\(name)\" is not a valid \(kind) name: use letters, digits, - and _ (at most 64, starting with a letter or digit)")
        }
        if reserved.contains(name) {
            throw GatewayError.usage("\"\(name)\" is reserved for the town's own use: choose another \(kind) name")
        }
    }
}
