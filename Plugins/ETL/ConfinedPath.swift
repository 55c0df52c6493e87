import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A payload path checked by what it really names: the kernel resolves every symlink and `..`,
/// the result must lie inside the ETL directory and must not be a protected file (by path or by
/// identity, so a hard link does not pass either). Opening checks again that the file opened is
/// the file checked, so a name swapped in between does not lead out.
struct ConfinedPath: Sendable {
    /// The resolved path: the one to open.
    let path: String
    /// The payload's own words, for messages.
    let given: String
    /// The payload field it came from (`source.path`).
    let field: String
    /// The file it named when checked; `nil` when there was none yet (a new destination).
    let identity: FileIdentity?

    init(_ given: String, field: String, directory: String, protection: ETLProtection) throws(ETLFailure) {
        self.given = given
        self.field = field
        guard !given.isEmpty, !given.contains("\0") else { throw ETLFailure("\(field): must be a file name without NUL characters") }
        let joined = given.hasPrefix("/") ? given : directory + "/" + given
        let name = (joined as NSString).lastPathComponent
        guard !name.isEmpty, name != ".", name != ".." else { throw ETLFailure("\(field): \"\(Self.cut(given))\" does not name a file") }
        let parentPath = (joined as NSString).deletingLastPathComponent
        guard let parent = FileIdentity.realPath(parentPath.isEmpty ? "/" : parentPath) else {
            throw ETLFailure("\(field): the directory of \"\(Self.cut(given))\" does not exist")
        }
        var resolved = (parent == "/" ? "" : parent) + "/" + name
        // A symlink is followed to what it names, which must then pass the same checks.
        if FileIdentity.isSymlink(resolved) {
            guard let target = FileIdentity.realPath(resolved) else {
                throw ETLFailure("\(field): \"\(Self.cut(given))\" is a symlink to nothing")
            }
            resolved = target
        }
        let inside = directory.hasSuffix("/") ? directory : directory + "/"
        guard resolved.hasPrefix(inside) else {
            throw ETLFailure("\(field): \"\(Self.cut(given))\" is outside the ETL directory (CONVEYOR_ETL_DIR)")
        }
        let identity = FileIdentity(path: resolved)
        if protection.realPaths.contains(resolved) || identity.map(protection.identities.contains) == true {
            throw ETLFailure("\(field): \"\(Self.cut(given))\" is a file Conveyor itself uses (the job store, its config or a secret); etl jobs may not touch it")
        }
        path = resolved
        self.identity = identity
    }

    /// Opens the file for reading without following a symlink, and checks it is the file that was
    /// checked and a regular file or a named pipe (never a device or a directory).
    func openForReading() throws(ETLFailure) -> FileHandle {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw ETLFailure.system(errno, "\(field): cannot open \"\(Self.cut(given))\"") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        guard let opened = FileIdentity(descriptor: descriptor), opened.isRegular || opened.isPipe else {
            throw ETLFailure("\(field): \"\(Self.cut(given))\" is not a regular file")
        }
        guard identity == nil || opened == identity else { throw ETLFailure("\(field): \"\(Self.cut(given))\" changed while it was opened") }
        return handle
    }

    /// After a library (SQLite) opened `path` by name: the file there is still the one checked,
    /// and no symlink was put in its place.
    func verifyUnchanged() throws(ETLFailure) {
        guard !FileIdentity.isSymlink(path) else { throw ETLFailure("\(field): \"\(Self.cut(given))\" changed while it was opened") }
        let now = FileIdentity(path: path, follow: false)
        if let identity, now != identity { throw ETLFailure("\(field): \"\(Self.cut(given))\" changed while it was opened") }
        if let now, !now.isRegular { throw ETLFailure("\(field): \"\(Self.cut(given))\" is not a regular file") }
    }

    /// A payload's text in a message, cut so a huge value is not echoed whole.
    static func cut(_ text: String) -> String {
        text.count <= 200 ? text : String(text.prefix(200)) + "…"
    }
}
