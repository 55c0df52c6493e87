/// `POST /api/dead-letter/cleanup {"olderThan": "30d"}`: failed jobs finished longer ago go.
public struct CleanupBody: Codable, Sendable {
    public var olderThan: DurationValue

    public init(olderThan: DurationValue) { self.olderThan = olderThan }
}
