import Conveyor
import Foundation

/// One progress report as it travels in a `conveyor_progress` notification (under PostgreSQL's
/// 8000-byte limit: the message is cut to 2000 characters). `origin` names the sending store, so
/// a process skips its own reports.
struct PostgresProgressNotice: Decodable {
    static let channel = "conveyor_progress"

    var origin: String
    var id: UUID
    var type: String
    var percent: Double
    var stage: String?
    var message: String?
    var sequence: Int

    var event: JobEvent {
        .progress(JobProgressUpdate(
            jobID: JobID(id), type: type, progress: JobProgress(percent: percent, stage: stage, message: message), sequence: sequence))
    }
}
