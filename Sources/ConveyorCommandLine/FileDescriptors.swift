import Glibc

/// The process's file descriptor limit, raised as far as the system lets it at start, and what
/// that leaves for connections: a server that runs out of descriptors cannot open its store,
/// a download or a file, so connections may never take them all.
enum FileDescriptors {
    /// Descriptors kept for everything but connections (the store, jobs' files and transfers).
    static let reserve = 512

    /// Raises the soft limit to the hard one (at most 1M) and returns the soft limit now.
    @discardableResult
    static func raiseLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        let wanted = min(limit.rlim_max, 1 << 20)
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = wanted
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(limit.rlim_cur)
    }
}
