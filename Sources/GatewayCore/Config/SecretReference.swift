import Foundation

/// Where a secret lives: an environment variable or a file only its owner can read. Never the TOML
/// itself, so gateway.toml can be committed and shown without leaking anything.
public struct SecretReference: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case environment(String)
        case file(String)
    }

    /// The dotted key that names it (`notify.targets.tg.token_env`), for problems.
    public var key: String
    public var source: Source
    public var line: Int?

    public init(key: String, source: Source, line: Int? = nil) {
        self.key = key
        self.source = source
        self.line = line
    }

    /// Reads `<base>_env` or `<base>_file`; exactly one is required, and `<base>` itself is refused.
    package static func read(_ table: TableReader, _ base: String) -> SecretReference? {
        let variable = table.string("\(base)_env")
        let file = table.string("\(base)_file")
        refuseInline(table, base)
        switch (variable, file) {
        case (let variable?, nil) where !variable.isEmpty:
            return SecretReference(key: table.name("\(base)_env"), source: .environment(variable), line: table.line("\(base)_env"))
        case (nil, let file?) where !file.isEmpty:
            return SecretReference(key: table.name("\(base)_file"), source: .file(file), line: table.line("\(base)_file"))
        case (.some, .some):
            table.problem("\(base)_file", "give \(base)_env or \(base)_file, not both")
        default:
            table.problem("\(base)_env", "is required: name the environment variable holding the \(base), like \(base)_env = \"\(Self.exampleVariable(base))\", or write \(base)_file = \"PATH\" for a file only you can read")
        }
        return nil
    }

    /// A secret written straight into the TOML is refused with the fix.
    package static func refuseInline(_ table: TableReader, _ base: String) {
        guard table.contains(base) else { return }
        table.node(base)  // marked read, so finish() reports only this problem
        table.problem(base, "secrets are never written in gateway.toml: remove it, export it as an environment variable and write \(base)_env = \"\(exampleVariable(base))\", or put it in a file (chmod 600) and write \(base)_file = \"PATH\"")
    }

    package static func markRead(_ table: TableReader, _ key: String) {
        if table.contains(key) { table.node(key) }
    }

    static func exampleVariable(_ base: String) -> String {
        base == "token" ? "TELEGRAM_BOT_TOKEN" : "SMTP_PASSWORD"
    }

    /// Resolves the secret's value. Relative files are read from the town's root.
    public func resolve(variables: [String: String], root: URL) throws -> String {
        switch source {
        case .environment(let name):
            guard let value = variables[name], !value.isEmpty else {
                throw GatewayError("\(key): the environment variable \(name) is not set: export it before running gw (the daemon reads the environment it was started with)", exit: .config)
            }
            return value
        case .file(let path):
            let url = Self.fileURL(path, root: root)
            if let problem = Self.permissionProblem(url) { throw GatewayError("\(key): \(problem)", exit: .config) }
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw GatewayError("\(key): \(url.path) cannot be read as UTF-8 text", exit: .config)
            }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw GatewayError("\(key): \(url.path) is empty", exit: .config) }
            return value
        }
    }

    /// The problem with this secret as it stands, if any, as `gw config check` reports it.
    public func problem(variables: [String: String], root: URL, file: String) -> ConfigProblem? {
        do {
            _ = try resolve(variables: variables, root: root)
            return nil
        } catch {
            let prefix = "\(key): "
            let message = error.userMessage.hasPrefix(prefix) ? String(error.userMessage.dropFirst(prefix.count)) : error.userMessage
            return ConfigProblem(file: file, line: line, key: key, message: message)
        }
    }

    package static func fileURL(_ path: String, root: URL) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded) : root.appendingPathComponent(expanded)
    }

    /// A secrets file must exist and carry no group or other permission bits at all.
    package static func permissionProblem(_ url: URL) -> String? {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            return "\(url.path) does not exist: create it with the secret on one line, then `chmod 600 \(url.path)`"
        }
        let mode = Int(info.st_mode) & 0o777
        guard mode & 0o077 == 0 else {
            return "\(url.path) is readable or writable by others (mode \(String(mode, radix: 8))): secrets files must be private; run `chmod 600 \(url.path)`"
        }
        return nil
    }
}
