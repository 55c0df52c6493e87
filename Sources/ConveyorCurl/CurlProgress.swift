/// Byte counts of a running transfer; totals are 0 while unknown.
public struct CurlProgress: Sendable, Hashable {
    public var downloadTotal: Int
    public var downloaded: Int
    public var uploadTotal: Int
    public var uploaded: Int
}
