import Foundation
import GatewayCore

/// A file a bot may download: where it is on Telegram's file server, and its size when Telegram says.
public struct TelegramFile: Sendable, Equatable {
    public var path: String
    public var size: Int64?
}

/// A file over the size a download was allowed.
public struct TelegramFileTooLarge: Error, Sendable, Equatable, CustomStringConvertible {
    /// Its size when known (declared, or as much as arrived before the download stopped).
    public var size: Int64?
    public var limit: Int64

    public init(size: Int64?, limit: Int64) {
        self.size = size
        self.limit = limit
    }

    public var description: String {
        "the file is \(size.map { "\(ConfigByteSize.readable($0)), " } ?? "")over the \(ConfigByteSize.readable(limit)) limit"
    }
}

extension TelegramBotAPI {
    /// `getFile`: where the file of `id` can be downloaded (for at least an hour) and its size.
    public func file(id: String, timeout: TimeInterval = 30) async throws -> TelegramFile {
        let result = try await call("getFile", ["file_id": id], timeout: timeout)
        guard let object = result as? [String: Any], let path = object["file_path"] as? String, !path.isEmpty else {
            throw TelegramAPIError.malformed("getFile gave no file_path")
        }
        return TelegramFile(path: path, size: TelegramUpdate.int(object["file_size"]))
    }

    /// Downloads `file` (a GET of `{api_base}/file/bot{token}/{file_path}`), taking at most `limit`
    /// bytes: a declared size over it is not asked for, and a body that turns out larger is refused
    /// (`TelegramFileTooLarge`). Like every call, a failure names what failed, never the URL.
    public func download(_ file: TelegramFile, limit: Int64, timeout: TimeInterval = 300) async throws -> Data {
        if let size = file.size, size > limit { throw TelegramFileTooLarge(size: size, limit: limit) }
        // file_path is Telegram's (like `photos/file_1.jpg`); escaped anyway so it stays one URL path.
        let escaped = file.path.addingPercentEncoding(withAllowedCharacters: Self.pathCharacters) ?? ""
        guard !escaped.isEmpty, let url = URL(string: "\(apiBase)/file/bot\(token)/\(escaped)") else {
            throw TelegramAPIError.malformed("getFile gave a file_path that does not make a URL")
        }
        let response: HTTPClientResponse
        do {
            response = try await http.send(HTTPClientRequest(url: url, method: "GET", timeout: timeout, maxBodyBytes: limit))
        } catch let error as HTTPTransportError where error.code == Self.curlTooLarge {
            throw TelegramFileTooLarge(size: nil, limit: limit)
        } catch {
            throw TelegramTransportError(method: "the file download")
        }
        guard response.status == 200 else {
            throw TelegramAPIError.refused(code: response.status, description: "HTTP \(response.status) from the file download")
        }
        guard Int64(response.body.count) <= limit else { throw TelegramFileTooLarge(size: Int64(response.body.count), limit: limit) }
        return response.body
    }

    /// curl's exit status for a body over `--max-filesize`.
    static let curlTooLarge: Int32 = 63

    /// A URL path's characters: `/` separates Telegram's folders; anything else is escaped.
    static let pathCharacters = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#;"))
}
