/// `POST /api/dead-letter/cleanup {"olderThan": "30d"}`.
struct CleanupBody: Decodable, Sendable {
    let olderThan: DurationValue
}
