import Conveyor
import ConveyorPostgres
import ConveyorPostgresConnection
import Foundation
import TestSupport
import Testing

/// Durable steps when the worker is killed with SIGKILL, on PostgreSQL.
@Suite("PostgreSQL store: durable steps through a crash")
struct PostgresStepCrashTests {
    @Test("kill -9 in stage 2 of 3: after the rescue the first stage's side effect happened once and the job completes")
    func sideEffectOnce() async throws {
        guard let url = try await PostgresTestServer.freshDatabase() else { return }
        let store = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        try await StepCrash.sideEffectOnce(store, storeURL: url, directory: try TemporaryDirectory().url)
        try await store.close()
    }

    @Test("video-to-telegram killed after the upload was recorded: one sendVideo")
    func uploadRecordedOnce() async throws {
        guard let url = try await PostgresTestServer.freshDatabase() else { return }
        let store = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        let media = try await FixtureServer.start()
        try await PostgresTestServer.execute("""
            CREATE FUNCTION test_hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'held by the test'; END $$
            """, on: url)
        try await StepCrash.uploadRecordedOnce(
            store, storeURL: url, media: media.url("/files/faststart.mp4"), telegram: try await BotAPIDouble.start()
        ) { held in
            // The hold: a trigger that refuses to let any job complete.
            try await PostgresTestServer.execute(held ? """
                CREATE TRIGGER test_hold BEFORE UPDATE ON conveyor_jobs FOR EACH ROW WHEN (NEW.state = 'completed') EXECUTE FUNCTION test_hold()
                """ : "DROP TRIGGER test_hold ON conveyor_jobs", on: url)
        }
        try await store.close()
    }

    @Test("the answer to an upload is lost with its worker: at-most-once fails outcome_unknown, at-least-once posts again", arguments: StepDelivery.allCases)
    func answerLost(delivery: StepDelivery) async throws {
        guard let url = try await PostgresTestServer.freshDatabase() else { return }
        let store = try await PostgresJobStore.connect(PostgresStoreOptions(url: url))
        let media = try await FixtureServer.start()
        try await StepCrash.answerLost(
            store, storeURL: url, media: media.url("/files/faststart.mp4"), telegram: try await BotAPIDouble.start(), delivery: delivery)
        try await store.close()
    }
}
