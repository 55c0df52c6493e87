import Conveyor
import ConveyorSQLite
import Foundation
import GRDB
import TestSupport
import Testing

/// Durable steps when the worker is killed with SIGKILL, on a SQLite file.
@Suite("SQLite store: durable steps through a crash")
struct SQLiteStepCrashTests {
    @Test("kill -9 in stage 2 of 3: after the rescue the first stage's side effect happened once and the job completes")
    func sideEffectOnce() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("jobs.db")
        let store = try SQLiteJobStore(path: path)
        try await StepCrash.sideEffectOnce(store, storeURL: "sqlite:\(path)", directory: directory.url)
        try await store.close()
    }

    @Test("video-to-telegram killed after the upload was recorded: one sendVideo")
    func uploadRecordedOnce() async throws {
        let path = try TemporaryDirectory().path("jobs.db")
        let store = try SQLiteJobStore(path: path)
        let media = try await FixtureServer.start()
        // The hold: a trigger that refuses to let any job complete.
        let database = try DatabaseQueue(path: path)
        try await StepCrash.uploadRecordedOnce(
            store, storeURL: "sqlite:\(path)", media: media.url("/files/faststart.mp4"), telegram: try await BotAPIDouble.start()
        ) { held in
            try await database.write { db in
                try db.execute(sql: held ? """
                    CREATE TRIGGER test_hold BEFORE UPDATE OF state ON jobs WHEN NEW.state = 'completed'
                    BEGIN SELECT RAISE(ABORT, 'held by the test'); END
                    """ : "DROP TRIGGER test_hold")
            }
        }
        try await store.close()
    }

    @Test("the answer to an upload is lost with its worker: at-most-once fails outcome_unknown, at-least-once posts again", arguments: StepDelivery.allCases)
    func answerLost(delivery: StepDelivery) async throws {
        let path = try TemporaryDirectory().path("jobs.db")
        let store = try SQLiteJobStore(path: path)
        let media = try await FixtureServer.start()
        try await StepCrash.answerLost(
            store, storeURL: "sqlite:\(path)", media: media.url("/files/faststart.mp4"), telegram: try await BotAPIDouble.start(), delivery: delivery)
        try await store.close()
    }
}
