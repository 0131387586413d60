import Foundation
import GatewayCore
import GatewayWork

/// One rig of a Gas Town town as `mayor/rigs.json` names it, checked: a name Gateway can make a folder
/// and branch of, and a clone URL git may be given.
public struct GasTownRig: Sendable, Equatable {
    public var name: String
    /// As written, credentials included: the clone may use them; only `RigURL.redacted` is ever shown.
    public var gitURL: String
}

/// Gas Town's rig registry, `mayor/rigs.json`: `{"version": 1, "rigs": {NAME: {"git_url": …,
/// "local_repo": …, "added_at": …, "beads": {…}}}}`. Read as input Gateway does not control: a name
/// that is no plain folder name (`../x`, `;`, NUL, control characters, tmux's `#{…}`, a huge one) or a
/// URL git must not be handed (`ext::…`, a leading `-`, a credential in it) is named with its file and key and skipped,
/// before anything runs; the other rigs go on.
enum GasTownRigsFile {
    /// rigs.json lists a handful of rigs; a file far larger than that is not one to parse.
    static let limit = 1 << 20

    static func parse(_ text: String, file: String) -> (rigs: [GasTownRig], skipped: [GasTownImport.Skipped], notes: [String]) {
        var skipped: [GasTownImport.Skipped] = []
        var notes: [String] = []
        func skip(_ key: String, _ reason: String) { skipped.append(.init(source: "\(file): \(key)", reason: reason)) }
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            skip("(the whole file)", "is not JSON: \(ImportedFile.shown((error as NSError).userInfo["NSDebugDescription"] as? String ?? "\(error)", limit: 160))")
            return ([], skipped, notes)
        }
        guard let top = root as? [String: Any] else {
            skip("(the whole file)", "is \(kind(of: root)), not an object with \"rigs\"")
            return ([], skipped, notes)
        }
        if let version = top["version"] as? NSNumber, version.intValue != 1 {
            notes.append("\(file) is version \(version), not the version 1 this import knows: read as version 1")
        }
        guard let entries = top["rigs"] else {
            skip("rigs", "is missing: no rigs to import")
            return ([], skipped, notes)
        }
        guard let rigs = entries as? [String: Any] else {
            skip("rigs", "is \(kind(of: entries)), not an object of rigs by name")
            return ([], skipped, notes)
        }
        var found: [GasTownRig] = []
        for (name, value) in rigs.sorted(by: { $0.key < $1.key }) {
            let key = "rigs.\(ImportedFile.shown(name))"
            guard (try? Names.validate(name, kind: "rig")) != nil else {
                skip(key, "is not a rig name Gateway can use: letters, digits, - and _ (at most 64, starting with a letter or digit), and none of \(Names.reserved.sorted().joined(separator: ", "))")
                continue
            }
            guard let entry = value as? [String: Any] else {
                skip(key, "is \(kind(of: value)), not an object with git_url")
                continue
            }
            guard let url = entry["git_url"] else {
                skip("\(key).git_url", "is missing: a rig without a clone URL cannot be added")
                continue
            }
            guard let gitURL = url as? String else {
                skip("\(key).git_url", "is \(kind(of: url)), not a string")
                continue
            }
            if let problem = RigURL.transportProblem(gitURL) {
                skip("\(key).git_url", "\(ImportedFile.shown(RigURL.redacted(gitURL))) \(problem)")
                continue
            }
            if RigURL.redacted(gitURL) != gitURL {
                skip("\(key).git_url", "\(ImportedFile.shown(RigURL.redacted(gitURL))) carries a credential, which an import does not take from another tool's file: add this rig by hand with `gw rig add \(name) URL`, or give git a credential helper and remove the credential from the URL")
                continue
            }
            found.append(GasTownRig(name: name, gitURL: gitURL))
        }
        return (found, skipped, notes)
    }

    static func kind(of value: Any) -> String {
        switch value {
        case is String: "a string"
        case is NSNumber: "a number or true/false"
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        default: "null"
        }
    }
}
