import Foundation

/// HTTP through the system `curl`, run by the environment's process runner.
///
/// Why not URLSession: on Linux it lives in FoundationNetworking, which links libcurl and its TLS,
/// Kerberos and LDAP libraries into `gw` and more than doubles the libraries loaded at every start —
/// `gw agent-event` runs at each of Claude Code's hook events and must start fast. Notifications are
/// rare and may pay for a child process instead.
///
/// Secrets stay off argv (where `ps` shows them): the URL, which for Telegram carries the bot token, and
/// the headers, which for a webhook carry its credentials, reach curl on its stdin as config
/// (`--config -`). The request body and the answer go through files in a private (0700) temporary
/// folder, removed as soon as curl exits, so every byte — NULs included — arrives exactly.
///
/// What curl is told: `--disable` first, so no `~/.curlrc` adds options; only http and https, for
/// redirects too; redirects followed (`--location`, at most 10) as URLSession did, a 301, 302 or 303
/// after a POST turning it into a GET, and an Authorization header never sent on to another host;
/// `--max-time` the request's timeout. Proxies come from curl's usual variables (`http_proxy`,
/// `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`), which URLSession's libcurl honoured too; so do `SSL_CERT_FILE`
/// and `CURL_CA_BUNDLE` for a private certificate authority.
public struct CurlHTTPClient: HTTPClient {
    let processes: any ProcessRunning
    let curl: String

    public init(processes: any ProcessRunning, curl: String = "curl") {
        self.processes = processes
        self.curl = curl
    }

    public func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        let config = try CurlRequestConfig.render(request)
        let folder: CurlExchangeFolder
        do {
            folder = try CurlExchangeFolder()
            if let body = request.body { try folder.writeRequestBody(body) }
        } catch {
            throw HTTPTransportError(.notSent, code: 0)
        }
        defer { folder.remove() }
        let result: ProcessResult
        do {
            result = try await processes.run(command(request, folder: folder, config: config))
        } catch {
            // The runner's message names the program, never the request.
            throw GatewayError("curl could not be started: \(error.userMessage); install curl (apt-get install curl)")
        }
        guard result.succeeded else { throw CurlExit.transportError(result.status) }
        guard let status = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), status > 0 else {
            throw HTTPTransportError(.badResponse, code: result.status)
        }
        return HTTPClientResponse(status: status, headers: CurlHeaderDump.lastResponseHeaders(folder.responseHeaders()),
                                  body: request.method == "HEAD" ? Data() : folder.responseBody())
    }

    /// The curl call: public settings and file paths on argv, the URL and headers only on stdin.
    public func command(_ request: HTTPClientRequest, folder: CurlExchangeFolder, config: String) -> Command {
        var arguments = ["--disable", "--silent", "--show-error",
                         "--max-time", CurlRequestConfig.seconds(request.timeout),
                         "--proto", "=http,https", "--proto-redir", "=http,https",
                         "--location", "--max-redirs", "10",
                         "--output", folder.responseBodyFile.path, "--dump-header", folder.responseHeadersFile.path,
                         "--write-out", "%{http_code}"]
        switch (request.method, request.body) {
        case ("HEAD", _): arguments.append("--head")
        // A body makes curl POST; naming the method as well would keep it POST through a 303.
        case ("POST", .some), ("GET", .none): break
        default: arguments += ["--request", request.method]
        }
        if request.body != nil { arguments += ["--data-binary", "@\(folder.requestBodyFile.path)"] }
        // curl refuses a declared length over the cap and stops a body that grows past it (exit 63).
        if let cap = request.maxBodyBytes { arguments += ["--max-filesize", String(cap)] }
        arguments += ["--config", "-"]
        return Command(curl, arguments, standardInput: Data(config.utf8))
    }
}

/// A private (0700) temporary folder for one exchange: the request body curl reads, the answer's
/// headers and body it writes.
public struct CurlExchangeFolder: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gw-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: Int(FileSystem.privateDirectoryMode)])
    }

    public var requestBodyFile: URL { url.appendingPathComponent("request-body") }
    public var responseBodyFile: URL { url.appendingPathComponent("response-body") }
    public var responseHeadersFile: URL { url.appendingPathComponent("response-headers") }

    func writeRequestBody(_ body: Data) throws {
        guard FileManager.default.createFile(atPath: requestBodyFile.path, contents: body,
                                             attributes: [.posixPermissions: Int(FileSystem.privateFileMode)]) else {
            remove()
            throw GatewayError("could not write the request body for curl in \(url.path)")
        }
    }

    /// curl writes no file for an empty body.
    func responseBody() -> Data { FileManager.default.contents(atPath: responseBodyFile.path) ?? Data() }

    func responseHeaders() -> String {
        String(decoding: FileManager.default.contents(atPath: responseHeadersFile.path) ?? Data(), as: UTF8.self)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
