import Conveyor
import ConveyorTelegramUpload
import Testing

@Suite("Telegram settings, chat ids and captions")
struct ConfigurationTests {
    let token = "123456789:AAHdefinitelyAValidLookingToken00"

    @Test("telegram settings (TELEGRAM_* in the environment): defaults, a local Bot API server, and one problem per bad value without the token")
    func environment() throws {
        #expect(try TelegramConfiguration.from(config: .environment([:])) == nil)
        let publicAPI = try #require(try TelegramConfiguration.from(config: .environment(["TELEGRAM_BOT_TOKEN": token])))
        #expect(publicAPI.apiURL == "https://api.telegram.org" && publicAPI.maxUpload == 50_000_000)
        let local = try #require(try TelegramConfiguration.from(config: .environment(["TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": "http://localhost:8081/"])))
        #expect(local.apiURL == "http://localhost:8081" && local.maxUpload == 2_000_000_000)
        let capped = try #require(try TelegramConfiguration.from(config: .environment(["TELEGRAM_BOT_TOKEN": token, "TELEGRAM_MAX_UPLOAD": "20MB"])))
        #expect(capped.maxUpload == 20_000_000)

        do {
            _ = try TelegramConfiguration.from(config: .environment([
                "TELEGRAM_BOT_TOKEN": "oops-SECRETVALUE", "TELEGRAM_API_URL": "ftp://x", "TELEGRAM_MAX_UPLOAD": "lots",
            ]))
            Issue.record("bad settings were accepted")
        } catch {
            #expect(error.lines.count == 3)
            #expect(error.lines.contains { $0.hasPrefix("telegram.botToken: not a bot token") })
            #expect(error.lines.contains { $0.hasPrefix("telegram.apiUrl: 'ftp://x' is not an http(s) URL") })
            #expect(error.lines.contains("telegram.maxUpload: 'lots' is not a size such as 50MB or 2000MB"))
            #expect(!error.description.contains("SECRETVALUE"))
        }
    }

    @Test("chat ids: numbers, numeric strings and @usernames; nothing else")
    func chatIDs() {
        #expect(TelegramChatID("-1001234567890") == .id(-1_001_234_567_890))
        #expect(TelegramChatID(" 42 ") == .id(42))
        #expect(TelegramChatID("@conveyor_news") == .username("@conveyor_news"))
        for bad in ["", "0", "@ab", "@has space", "channel", "12ab", "@" + String(repeating: "a", count: 33)] {
            #expect(TelegramChatID(bad) == nil, "\(bad)")
        }
    }

    @Test("captions: trimmed, cut at a grapheme boundary with …, left whole with a parse mode")
    func captions() {
        #expect(TelegramCaption.fit("  \n ", parseMode: nil) == nil)
        #expect(TelegramCaption.fit(" hi ", parseMode: nil) == "hi")
        let exact = String(repeating: "a", count: 1024)
        #expect(TelegramCaption.fit(exact, parseMode: nil) == exact)
        let long = String(repeating: "a", count: 1023) + "👨‍👩‍👧"  // a family emoji is 8 UTF-16 units
        let fitted = TelegramCaption.fit(long, parseMode: nil)
        #expect(fitted == String(repeating: "a", count: 1023) + "…")
        let markup = String(repeating: "<b>x</b>", count: 200)
        #expect(TelegramCaption.fit(markup, parseMode: .html) == markup)
    }
}
