import Foundation
import GatewayCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory files on disk with their modification times and sizes, and one fingerprint of them all.
///
/// Every search checks freshness, so this is the cost of a search over a ten-year memory: one readdir
/// per folder and one `fstatat` per file, relative to its folder's descriptor (no path strings built
/// for the kernel to walk again). Equal fingerprints mean no file was added, removed, rewritten or
/// edited in place since the index last recorded one — whoever wrote it: Gateway, an agent, git.
struct MemoryScan {
    struct Entry {
        var path: String
        var stamp: MemoryIndex.Stamp
    }

    var entries: [Entry] = []
    /// Order-independent (folders list their entries in no set order): a sum of each file's hash.
    var fingerprint: UInt64 = 0

    /// MEMORY.md and every `.md` below memory/ (but memory/README.md), as paths relative to `root`.
    static func scan(root: URL) -> MemoryScan {
        var scan = MemoryScan()
        let rootPath = root.path
        if let stamp = MemoryIndex.stamp("\(rootPath)/\(MemoryStore.curatedFile)") {
            scan.add(MemoryStore.curatedFile, stamp)
        }
        let memory = open("\(rootPath)/memory", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if memory >= 0 { scan.walk(memory, relative: "memory") }
        return scan
    }

    private mutating func add(_ path: String, _ stamp: MemoryIndex.Stamp) {
        entries.append(Entry(path: path, stamp: stamp))
        var hash = StableHash.fnv1a64(Data(path.utf8))
        hash = (hash ^ stamp.mtime.bitPattern) &* 0x0000_0100_0000_01b3
        hash = (hash ^ UInt64(bitPattern: stamp.size)) &* 0x0000_0100_0000_01b3
        fingerprint = fingerprint &+ hash
    }

    /// Reads the folder `descriptor` refers to (and closes it).
    private mutating func walk(_ descriptor: Int32, relative: String) {
        guard let directory = fdopendir(descriptor) else {
            close(descriptor)
            return
        }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name.hasPrefix(".") { continue }
            let type = entry.pointee.d_type
            let isMarkdown = name.hasSuffix(".md")
            guard type == UInt8(DT_DIR) || type == UInt8(DT_UNKNOWN) || isMarkdown else { continue }
            var info = stat()
            guard fstatat(dirfd(directory), name, &info, 0) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let inner = openat(dirfd(directory), name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                if inner >= 0 { walk(inner, relative: "\(relative)/\(name)") }
            } else if isMarkdown {
                let path = "\(relative)/\(name)"
                if path != "memory/README.md" { add(path, MemoryIndex.Stamp(info)) }
            }
        }
    }
}

extension MemoryIndex.Stamp {
    init(_ info: stat) {
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        self.init(mtime: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9, size: Int64(info.st_size))
    }
}
