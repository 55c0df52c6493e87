/// Why a whole `etl` job cannot go on (a bad field name in a transform, an unreadable source, a
/// table that does not fit): permanent, naming what to fix.
struct ETLFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
