import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which file a path or an open descriptor really is (device and inode): two names for one file
/// — a hard link, a symlink, `..` — have the same identity, so a check by identity cannot be
/// talked around by naming the file differently.
struct FileIdentity: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64
    /// A directory, a device or a socket is no file to read or replace.
    let isRegular: Bool
    let isDirectory: Bool
    /// A named pipe: a stream an operator feeds, read like a file.
    let isPipe: Bool

    /// The file at `path` (the link itself when `follow` is off); `nil` when there is none.
    init?(path: String, follow: Bool = true) {
        var info = stat()
        guard (follow ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        self.init(info)
    }

    /// The file an open descriptor refers to.
    init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        self.init(info)
    }

    private init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        isRegular = (info.st_mode & S_IFMT) == S_IFREG
        isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
        isPipe = (info.st_mode & S_IFMT) == S_IFIFO
    }

    /// `true` when the path names a symbolic link (not what it points at).
    static func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// The path with every symlink and `..` resolved by the kernel; `nil` when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func == (a: FileIdentity, b: FileIdentity) -> Bool { a.device == b.device && a.inode == b.inode }
    func hash(into hasher: inout Hasher) {
        hasher.combine(device)
        hasher.combine(inode)
    }
}
