import Foundation

/// A batch as the memory store keeps it: what it was made with, its ``BatchTally``, and the
/// callbacks enqueued so far.
struct MemoryBatch: Sendable {
    var name: String?
    var owner: String?
    var total: Int
    var createdAt: Date
    var tally: BatchTally
    var callbacks: [BatchCallbackKind: NewJob]
    var enqueued: [BatchCallbackKind: JobID] = [:]
}
