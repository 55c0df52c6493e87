import Configuration
@testable import ConveyorCommandLine
import Synchronization
import Testing

/// The list of settings a config file may hold is exactly what the configuration types read,
/// so a new setting cannot be refused as unknown, nor a removed one stay accepted.
@Suite("Known settings")
struct KnownSettingsTests {
    final class Recorder: AccessReporter {
        let keys = Mutex<Set<String>>([])
        func report(_ event: AccessEvent) {
            _ = keys.withLock { $0.insert(event.metadata.key.components.joined(separator: ".")) }
        }
    }

    @Test("every key the command's configuration types read is known, and every known key is read")
    func listMatchesReads() throws {
        let recorder = Recorder()
        // The plugins read the rest of their settings only once their main one is set.
        let provider = InMemoryProvider(values: [
            AbsoluteConfigKey(["telegram", "botToken"]): "123456:abcdefghijklmnopqrstuvwxyz0123456789",
            AbsoluteConfigKey(["smtp", "url"]): "smtp://127.0.0.1:2525",
        ])
        let reader = ConfigReader(provider: provider, accessReporter: recorder)
        var settings = CommandSettings(LoadedConfiguration(reader: reader, values: [:], flags: [:], environment: [:], file: nil))
        _ = settings.runtimeConfiguration(queues: nil)
        _ = settings.serverConfiguration()
        _ = settings.tokenPolicy()
        let download = settings.downloadConfiguration()
        _ = settings.telegramConfiguration()
        _ = settings.smtpConfiguration()
        _ = settings.etlConfiguration(download: download, store: "memory:")
        #expect(settings.problems.isEmpty, "\(settings.problems)")
        let read = recorder.keys.withLock { $0 }
        let own = Set(ConfigurationSources.names.map { ConfigurationSources.key(for: $0).joined(separator: ".") } + ["conveyor.config"])
        #expect(read.subtracting(KnownSettings.keys).isEmpty, "read but not known: \(read.subtracting(KnownSettings.keys).sorted())")
        #expect(KnownSettings.keys.subtracting(read).subtracting(own).isEmpty, "known but never read: \(KnownSettings.keys.subtracting(read).subtracting(own).sorted())")
    }

    @Test("a typo gets the nearest known key")
    func nearest() {
        #expect(KnownSettings.nearest(to: "conveyor.wrokers") == "conveyor.workers")
        #expect(KnownSettings.nearest(to: "telegram.botTokn") == "telegram.botToken")
        #expect(KnownSettings.nearest(to: "something.else.entirely") == nil)
    }
}
