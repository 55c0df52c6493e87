#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

/// `serve` asks whether its port is free before anything starts, so a port in use is one line
/// naming the port and how to pick another — not an errno from deep in the server after the
/// workers already claimed jobs.
enum PortCheck {
    static func ensureFree(host: String, port: Int, setting: String) throws {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var found: UnsafeMutablePointer<addrinfo>?
        // An address that does not resolve is the server's to report, as it does today.
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else { return }
        defer { freeaddrinfo(found) }
        let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard socket >= 0 else { return }
        defer { close(socket) }
        var reuse: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        guard bind(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 else { return }
        switch errno {
        case EADDRINUSE:
            throw ValidationError("\(setting): port \(port) on \(host) is already in use (another conveyor serve?); choose another, or 0 for any free one")
        case EACCES:
            throw ValidationError("\(setting): port \(port) on \(host) needs privileges this process lacks; use a port above 1023")
        case EADDRNOTAVAIL:
            throw ValidationError("\(setting): \(host) is not an address of this machine")
        default:
            return
        }
    }
}
