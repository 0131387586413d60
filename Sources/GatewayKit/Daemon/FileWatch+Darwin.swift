#if canImport(Darwin)
import Foundation
import GatewayCore
import Darwin

extension FileWatch {
    /// kqueue through Dispatch: the directory's vnode tells of entries created, deleted or renamed in;
    /// each watched file's own vnode tells of a write in place. The file sources are made again after
    /// every event, since a file replaced by a rename is a new vnode.
    static func start(directory: URL, names: Set<String>, changed: @escaping @Sendable () -> Void) throws -> () -> Void {
        let watcher = VnodeWatcher(directory: directory, names: names, changed: changed)
        try watcher.start()
        return { watcher.cancel() }
    }
}

/// The macOS side of `FileWatch`; its state is touched only on its queue.
private final class VnodeWatcher: @unchecked Sendable {
    let directory: URL
    let names: Set<String>
    let changed: @Sendable () -> Void
    let queue = DispatchQueue(label: "gw.file-watch")
    var directorySource: (any DispatchSourceFileSystemObject)?
    var fileSources: [any DispatchSourceFileSystemObject] = []
    var cancelled = false

    init(directory: URL, names: Set<String>, changed: @escaping @Sendable () -> Void) {
        self.directory = directory
        self.names = names
        self.changed = changed
    }

    func start() throws {
        let descriptor = open(directory.path, O_EVTONLY)
        guard descriptor >= 0 else { throw GatewayError("could not watch \(directory.path): \(String(cString: strerror(errno)))") }
        let source = DispatchSource.makeFileSystemObjectSource(fileDescriptor: descriptor, eventMask: [.write, .link, .rename, .delete], queue: queue)
        source.setEventHandler { [self] in
            rearm()
            changed()
        }
        source.setCancelHandler { close(descriptor) }
        queue.sync {
            directorySource = source
            rearm()
        }
        source.resume()
    }

    /// Watches each file as it is now. On the queue.
    func rearm() {
        guard !cancelled else { return }
        for source in fileSources { source.cancel() }
        fileSources = names.compactMap { name in
            let descriptor = open(directory.appendingPathComponent(name).path, O_EVTONLY)
            guard descriptor >= 0 else { return nil }
            let source = DispatchSource.makeFileSystemObjectSource(fileDescriptor: descriptor, eventMask: [.write, .extend, .delete, .rename, .attrib], queue: queue)
            source.setEventHandler { [self] in
                rearm()
                changed()
            }
            source.setCancelHandler { close(descriptor) }
            source.resume()
            return source
        }
    }

    func cancel() {
        queue.sync {
            cancelled = true
            directorySource?.cancel()
            for source in fileSources { source.cancel() }
            fileSources = []
        }
    }
}
#endif
