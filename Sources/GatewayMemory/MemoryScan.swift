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

    /// Filled only by `scan(root:)`; `fingerprint(root:)` leaves it empty.
    var entries: [Entry] = []
    /// Order-independent (folders list their entries in no set order): a sum of each file's hash.
    var fingerprint: UInt64 = 0
    private let collecting: Bool

    private init(collecting: Bool) { self.collecting = collecting }

    /// MEMORY.md and every `.md` below memory/ (but memory/README.md), as paths relative to `root`.
    static func scan(root: URL) -> MemoryScan { scan(root: root, collecting: true) }

    /// The fingerprint alone, building no path string: what a search pays when nothing changed.
    static func fingerprint(root: URL) -> UInt64 { scan(root: root, collecting: false).fingerprint }

    private static func scan(root: URL, collecting: Bool) -> MemoryScan {
        var scan = MemoryScan(collecting: collecting)
        let rootPath = root.path
        if let stamp = MemoryIndex.stamp("\(rootPath)/\(MemoryStore.curatedFile)") {
            scan.add(hash(MemoryStore.curatedFile.utf8), stamp, path: { MemoryStore.curatedFile })
        }
        let memory = open("\(rootPath)/memory", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if memory >= 0 { scan.walk(memory, relative: "memory", top: true) }
        return scan
    }

    private static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// FNV-1a, continued from `seed` (a folder's path hash, so a file's is its whole relative path's).
    private static func hash<Bytes: Sequence>(_ bytes: Bytes, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 where Bytes.Element == UInt8 {
        var hash = seed
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* fnvPrime }
        return hash
    }

    private mutating func add(_ pathHash: UInt64, _ stamp: MemoryIndex.Stamp, path: () -> String) {
        if collecting { entries.append(Entry(path: path(), stamp: stamp)) }
        var hash = (pathHash ^ stamp.mtime.bitPattern) &* Self.fnvPrime
        hash = (hash ^ UInt64(bitPattern: stamp.size)) &* Self.fnvPrime
        fingerprint = fingerprint &+ hash
    }

    /// Reads the folder `descriptor` refers to (and closes it).
    private mutating func walk(_ descriptor: Int32, relative: String, top: Bool) {
        guard let directory = fdopendir(descriptor) else {
            close(descriptor)
            return
        }
        defer { closedir(directory) }
        let folderHash = Self.hash("\(relative)/".utf8)
        // The name is read where readdir put it: a record is only as long as its name (d_reclen), so
        // copying the whole `d_name` array out of it could read past the end of the mapped buffer.
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(directory) {
            let type = entry.pointee.d_type
            let name = UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self)
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: strlen(name))
            guard bytes.first != UInt8(ascii: ".") else { continue }
            let isMarkdown = bytes.count > 3 && bytes.suffix(3).elementsEqual(".md".utf8)
            guard type == UInt8(DT_DIR) || type == UInt8(DT_UNKNOWN) || isMarkdown else { continue }
            var info = stat()
            guard fstatat(dirfd(directory), name, &info, 0) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let inner = openat(dirfd(directory), name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                if inner >= 0 { walk(inner, relative: "\(relative)/\(String(cString: name))", top: false) }
            } else if isMarkdown, !(top && bytes.elementsEqual("README.md".utf8)) {
                add(Self.hash(bytes, seed: folderHash), MemoryIndex.Stamp(info)) { "\(relative)/\(String(cString: name))" }
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
