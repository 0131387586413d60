#if os(Linux)
import Foundation
import GatewayCore
import Glibc

extension FileWatch {
    /// inotify on the directory: a file closed after writing, renamed in or out, created or deleted.
    /// The descriptor is read from a Dispatch source, so no thread waits on it.
    static func start(directory: URL, names: Set<String>, changed: @escaping @Sendable () -> Void) throws -> () -> Void {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw GatewayError("inotify_init1 failed: \(String(cString: strerror(errno)))") }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB)
        guard inotify_add_watch(descriptor, directory.path, mask) >= 0 else {
            let message = String(cString: strerror(errno))
            close(descriptor)
            throw GatewayError("could not watch \(directory.path): \(message)")
        }
        let source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: DispatchQueue(label: "gw.file-watch"))
        source.setEventHandler {
            var buffer = [UInt8](repeating: 0, count: 8192)
            var relevant = false
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                guard count > 0 else { break }
                // An overflowed queue has lost the names: look at the files anyway.
                relevant = relevant || Self.events(in: buffer[0..<count]).contains { names.contains($0.name) || $0.mask & UInt32(IN_Q_OVERFLOW) != 0 }
            }
            if relevant { changed() }
        }
        source.setCancelHandler { close(descriptor) }
        source.resume()
        return { source.cancel() }
    }

    /// The `inotify_event` records in `bytes`: a 16-byte header (wd, mask, cookie, len) and `len` bytes
    /// of name, padded with NULs.
    static func events(in bytes: ArraySlice<UInt8>) -> [(mask: UInt32, name: String)] {
        var events: [(mask: UInt32, name: String)] = []
        var offset = bytes.startIndex
        let header = 16
        while offset + header <= bytes.endIndex {
            let field = { (at: Int) in bytes[(offset + at)..<(offset + at + 4)].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } }
            let start = offset + header
            let end = min(start + Int(field(12)), bytes.endIndex)
            events.append((field(4), String(decoding: bytes[start..<end].prefix { $0 != 0 }, as: UTF8.self)))
            offset = end
        }
        return events
    }
}
#endif
