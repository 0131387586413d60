import Foundation

/// Credentials in a rig's URL (`https://user:token@host/repo.git`) are never stored or printed: the
/// clone may use the URL as given, but `rigs.json`, the bare clone's `remote.origin.url`, `gw status`,
/// `gw rig list` and errors only ever see it without them. Fetches later take the credential from
/// git's own credential helper, which the clone itself fills when one is configured.
public enum RigURL {
    /// The user information of a `scheme://userinfo@host/…` URL, if any. (`git@host:path`, scp-style,
    /// names an ssh user, never a secret, and is left alone.)
    static func userInfo(_ source: String) -> Range<String.Index>? {
        guard let scheme = source.range(of: "://") else { return nil }
        let rest = source[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
        // The last @ of the authority: a password may itself hold an unescaped @.
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return nil }
        return scheme.upperBound..<at
    }

    /// `https://***@host/…` for a URL that carries credentials; anything else unchanged. An ssh URL's
    /// bare user name (`ssh://git@host/…`) is no secret and stays.
    public static func redacted(_ source: String) -> String {
        guard let range = userInfo(source), carriesCredential(source, range) else { return source }
        return source.replacingCharacters(in: range, with: "***")
    }

    /// The URL without its credentials, for git to fetch from with its credential helper.
    public static func withoutCredentials(_ source: String) -> String {
        guard let range = userInfo(source), carriesCredential(source, range) else { return source }
        return source.replacingCharacters(in: range.lowerBound..<source.index(after: range.upperBound), with: "")
    }

    /// Over http(s) a user part alone is often the token itself (`https://TOKEN@github.com/…`).
    static func carriesCredential(_ source: String, _ range: Range<String.Index>) -> Bool {
        let scheme = source[..<source.range(of: "://")!.lowerBound].lowercased()
        return source[range].contains(":") || !["ssh", "git+ssh", "ssh+git"].contains(scheme)
    }

    /// `text` (git's error output, say) with every spelling of the URL's credentials replaced by `***`:
    /// the user information as written, percent-decoded, and the secret part alone — the password, or
    /// the user part when there is no password (a token). A plain user name is left: replacing "git"
    /// everywhere would garble the message.
    public static func redacting(_ text: String, credentialsOf source: String) -> String {
        guard let range = userInfo(source), carriesCredential(source, range) else { return text }
        let info = String(source[range])
        let parts = info.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let secret = parts.count == 2 ? parts[1] : parts[0]
        let pieces = [info, info.removingPercentEncoding ?? info, secret, secret.removingPercentEncoding ?? secret]
        var result = text
        // Longest first, so a piece inside another is not left half replaced.
        for piece in Set(pieces).sorted(by: { $0.count > $1.count }) where piece.count >= 4 {
            result = result.replacingOccurrences(of: piece, with: "***")
        }
        return result
    }

    /// Why git must not be given `source` as a clone URL it did not get from the owner's own hand (a
    /// file another tool wrote), or nil when it is an ordinary one: http(s), ssh, git and file URLs,
    /// scp-style `user@host:path`, an absolute path. Refused: the `transport::address` form, which runs
    /// a remote helper (`ext::` runs any command), a leading `-`, which git would read as an option,
    /// control characters and whitespace, and anything over 2048 characters.
    public static func transportProblem(_ source: String) -> String? {
        if source.isEmpty { return "is empty" }
        if source.utf8.count > 2048 { return "is \(source.utf8.count) bytes long (at most 2048)" }
        if source.hasPrefix("-") { return "starts with -, which git would read as an option" }
        if source.contains("::") { return "uses git's transport::address form, which runs a helper program (ext:: runs any command)" }
        if source.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.isWhitespace }) {
            return "holds a control character or a space"
        }
        if let scheme = source.range(of: "://") {
            let name = source[..<scheme.lowerBound].lowercased()
            guard ["https", "http", "ssh", "git", "git+ssh", "ssh+git", "file"].contains(name) else {
                return "uses the \(name):// transport: give an https, ssh, git or file URL"
            }
            return nil
        }
        if source.hasPrefix("/") { return nil }
        // scp-style: user@host:path or host:path, with no slash before the colon.
        if let colon = source.firstIndex(of: ":"), !source[..<colon].contains("/"), colon != source.startIndex { return nil }
        return "is neither a URL nor an absolute path"
    }
}
