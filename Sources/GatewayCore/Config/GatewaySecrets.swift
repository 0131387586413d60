import Foundation

/// The secrets Gateway itself uses — every `*_env` and `*_file` the config names — with the value each
/// holds here. No agent may see them and no hook commit may hold them: an agent (or a prompt injected
/// into one) could read its own environment, and what lands in a hook is committed and maybe pushed.
public struct GatewaySecrets: Sendable, Equatable {
    public struct Secret: Sendable, Equatable {
        /// The dotted config key that names it (`notify.targets.tg.token_env`).
        public var key: String
        /// The environment variable holding it; nil for a `*_file` secret.
        public var variable: String?
        /// Its value here, when set or readable (never printed).
        public var value: String?

        /// How warnings name it: the variable, else the config key (never the value).
        public var label: String { variable ?? key }
    }

    public var secrets: [Secret]

    public init(_ secrets: [Secret] = []) { self.secrets = secrets }

    /// Reads each reference's value the way delivery does; one that cannot be read has no value to leak.
    public init(references: [SecretReference], variables: [String: String], root: URL) {
        secrets = references.map { reference in
            let value = try? reference.resolve(variables: variables, root: root)
            switch reference.source {
            case .environment(let name): return Secret(key: reference.key, variable: name, value: value)
            case .file: return Secret(key: reference.key, variable: nil, value: value)
            }
        }
    }

    /// A value shorter than this is not searched for: a 4-character "secret" would match ordinary text
    /// and flag half the memory files. Real tokens and passwords are far longer.
    package static let minimumSearchedLength = 8

    /// The texts searched for: each value, and for a header like `Bearer abc…` also the credential
    /// after the scheme, which is what would be copied on its own.
    package var needles: [(secret: Secret, text: String)] {
        secrets.flatMap { secret -> [(Secret, String)] in
            guard let value = secret.value else { return [] }
            var texts = [value]
            if let last = value.split(whereSeparator: \.isWhitespace).last.map(String.init), last != value { texts.append(last) }
            return texts.filter { $0.count >= Self.minimumSearchedLength }.map { (secret, $0) }
        }
    }

    /// The secret whose value `text` holds, if any.
    public func secret(in text: String) -> Secret? {
        needles.first { text.contains($0.text) }?.secret
    }

    /// The secret whose value `data` holds, searched as bytes so binary files are covered too.
    public func secret(in data: Data) -> Secret? {
        needles.first { data.range(of: Data($0.text.utf8)) != nil }?.secret
    }

    /// Whether a variable named `name` with `value` must be kept from an agent: it is named as a secret,
    /// or it holds one's value under another name.
    public func forbids(_ name: String, value: String) -> Secret? {
        if let named = secrets.first(where: { $0.variable == name }) { return named }
        return secrets.first { secret in
            guard let secretValue = secret.value, !secretValue.isEmpty else { return false }
            return value == secretValue || (secretValue.count >= Self.minimumSearchedLength && value.contains(secretValue))
        }
    }
}
