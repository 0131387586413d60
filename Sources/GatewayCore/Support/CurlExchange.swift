import Foundation

/// The part of a request curl reads on its stdin (`--config -`): the URL and the headers, which may
/// carry secrets and so never go on argv.
public enum CurlRequestConfig {
    public static func render(_ request: HTTPClientRequest) throws -> String {
        var lines = ["url = \(try quoted(request.url.absoluteString, what: "the URL"))"]
        // curl asks for `100-continue` before a larger body and waits up to a second for an answer that
        // many servers never send; an empty value drops the header.
        var headers = request.headers
        if !headers.keys.contains(where: { $0.lowercased() == "expect" }) { headers["Expect"] = "" }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty, !name.contains(where: { $0 == ":" || $0 == ";" || $0.isWhitespace }) else {
                throw GatewayError("the HTTP header name \"\(name)\" is not valid")
            }
            // `Name:` tells curl to drop a header; `Name;` sends it empty.
            let line = value.isEmpty ? (name == "Expect" ? "Expect:" : "\(name);") : "\(name): \(value)"
            lines.append("header = \(try quoted(line, what: "the header \(name)"))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A double-quoted config value, `\` and `"` escaped. A line break would start a new option, so it is
    /// refused — naming what held it, never its value.
    static func quoted(_ text: String, what: String) throws -> String {
        guard !text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) else {
            throw GatewayError("\(what) contains a line break, which HTTP does not allow")
        }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Seconds for `--max-time`, which takes a decimal with a dot whatever the locale.
    public static func seconds(_ interval: TimeInterval) -> String {
        let milliseconds = max(1, Int((interval * 1000).rounded(.up)))
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)" : String(format: "%d.%03d", milliseconds / 1000, milliseconds % 1000)
    }
}

/// Reads the file `--dump-header` writes: one block per response curl saw — interim `1xx` answers and
/// redirects before the final one.
public enum CurlHeaderDump {
    /// The final response's headers, names lower-cased; a repeated header's values joined with ", ", as
    /// URLSession's `allHeaderFields` did.
    public static func lastResponseHeaders(_ dump: String) -> [String: String] {
        var headers: [(name: String, value: String)] = []
        for rawLine in dump.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.hasPrefix("HTTP/") {
                headers = []
            } else if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
                // An obsolete folded line continues the previous header's value.
                headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((line[..<colon].trimmingCharacters(in: .whitespaces).lowercased(),
                                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        var result: [String: String] = [:]
        for (name, value) in headers { result[name] = result[name].map { "\($0), \(value)" } ?? value }
        return result
    }
}

/// curl's exit statuses (its man page, EXIT CODES) as the reasons callers act on.
public enum CurlExit {
    public static func transportError(_ status: Int32) -> HTTPTransportError {
        HTTPTransportError(reason(status), code: status)
    }

    static func reason(_ status: Int32) -> HTTPTransportError.Reason {
        switch status {
        case 28: .timedOut
        case 5, 6: .cannotResolveHost
        case 7: .cannotConnect
        case 18, 52, 55, 56, 92: .connectionLost
        case 8: .badResponse
        case 35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91: .tlsFailed
        // curl could not read the request's body file: nothing was sent.
        case 26: .notSent
        default: .other
        }
    }
}
