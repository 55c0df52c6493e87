#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ConveyorServer
import ConveyorStores
import Foundation

/// Where the signing secret lives when `CONVEYOR_JWT_SECRET` is not set and the store is a
/// SQLite file: `PATH.jwt-secret` beside it, mode 600, written with a random secret on the first
/// `serve` and read on every later one — so tokens survive restarts and `conveyor token` signs
/// for the same server with no secret to copy. Other stores have no such place: `serve` makes a
/// secret for the run, and several machines share one through `CONVEYOR_JWT_SECRET`.
struct SecretFile {
    let path: String

    /// The file for the store at `url`, when it is a SQLite file.
    init?(store url: String) {
        guard case .sqlite(let database) = try? StoreLocation(url) else { return nil }
        path = database + ".jwt-secret"
    }

    /// The secret in the file; `nil` when there is none yet. Refuses a file others may read.
    func read() throws -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        guard info.st_mode & 0o077 == 0 else {
            throw ValidationError("\(path): can be read by other users (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(path): cannot be read") }
        let secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { throw ValidationError("\(path): is empty; delete it to make a new secret (tokens signed with the old one stop working)") }
        return secret
    }

    /// The secret in the file, written first (created mode 600, never overwritten) when there
    /// is none; `made` says whether this call made it.
    func readOrCreate() throws -> (secret: String, made: Bool) {
        if let secret = try read() { return (secret, false) }
        let secret = TokenAuthority.randomSecret()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            // Another process made it a moment ago: use theirs.
            if errno == EEXIST, let secret = try read() { return (secret, false) }
            throw ValidationError("\(path): cannot be created (\(String(cString: strerror(errno)))); set CONVEYOR_JWT_SECRET instead")
        }
        defer { close(descriptor) }
        let line = Array((secret + "\n").utf8)
        guard write(descriptor, line, line.count) == line.count, fsync(descriptor) == 0 else {
            throw ValidationError("\(path): cannot be written (\(String(cString: strerror(errno))))")
        }
        return (secret, true)
    }
}
