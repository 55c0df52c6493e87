import Foundation

/// `POST /api/jobs/batch`.
struct BatchBody: Decodable, Sendable {
    let jobs: [EnqueueBody]
}
