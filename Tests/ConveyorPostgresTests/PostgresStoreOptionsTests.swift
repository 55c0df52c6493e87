import Conveyor
import ConveyorPostgres
import ConveyorPostgresConnection
import Testing

/// `postgres://` URLs as operators write them, and the one-line errors for the ones that are
/// wrong, none of which may show the password.
@Suite("Postgres store URLs")
struct PostgresStoreOptionsTests {
    @Test("a full URL gives every part, and prints without the password")
    func parses() throws {
        let options = try PostgresStoreOptions(url: "postgres://app:p%40ss-w0rd@db.internal:6432/jobs?sslmode=require&notify=off&connections=12")
        #expect(options.host == "db.internal")
        #expect(options.port == 6432)
        #expect(options.username == "app")
        #expect(options.password == "p@ss-w0rd")
        #expect(options.database == "jobs")
        #expect(options.tls == .require)
        #expect(!options.notifications)
        #expect(options.connections == 12)
        #expect(options.description == "postgres://app:***@db.internal:6432/jobs")
        let plain = try PostgresStoreOptions(url: "postgresql://app@localhost/jobs")
        #expect(plain.port == 5432 && plain.password == nil && plain.tls == .prefer && plain.notifications)
    }

    @Test("bad URLs name what is wrong and never echo the password", arguments: [
        ("postgres://app:hunter2@/jobs", "needs a host"),
        ("postgres://:hunter2@db/jobs", "needs a user name"),
        ("postgres://app:hunter2@db", "needs a database name"),
        ("postgres://app:hunter2@db/jobs?sslmode=sometimes", "sslmode 'sometimes' is not one of disable, prefer, require, verify-full"),
        ("postgres://app:hunter2@db/jobs?notify=maybe", "notify 'maybe' must be on or off"),
        ("postgres://app:hunter2@db/jobs?connections=0", "connections '0' is out of range 1…200"),
        ("postgres://app:hunter2@db/jobs?pool=3", "unknown postgres URL parameter 'pool'"),
        ("mysql://app:hunter2@db/jobs", "is not a postgres:// URL"),
    ])
    func refuses(url: String, problem: String) {
        do {
            _ = try PostgresStoreOptions(url: url)
            Issue.record("\(url) was accepted")
        } catch let error as ConveyorError {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains(problem), "\(error.message)")
            #expect(!error.message.contains("hunter2"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
