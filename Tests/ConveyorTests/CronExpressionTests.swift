import Conveyor
import Foundation
import Testing

@Suite("Cron expressions")
struct CronExpressionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var cron: String
        var zone: String
        var after: String
        var expected: String
        var testDescription: String { "\(cron) in \(zone) after \(after)" }
    }

    static func date(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    static let cases: [Case] = [
        Case(cron: "*/15 * * * *", zone: "UTC", after: "2026-01-01T00:07:00Z", expected: "2026-01-01T00:15:00Z"),
        Case(cron: "*/10 * * * * *", zone: "UTC", after: "2026-01-01T00:00:05Z", expected: "2026-01-01T00:00:10Z"),
        Case(cron: "0 9 * JAN-MAR MON-FRI", zone: "UTC", after: "2026-04-01T00:00:00Z", expected: "2027-01-01T09:00:00Z"),
        Case(cron: "0 0 13 * FRI", zone: "UTC", after: "2026-02-01T00:00:00Z", expected: "2026-02-06T00:00:00Z"),
        Case(cron: "0 0 * * 7", zone: "UTC", after: "2026-02-02T00:00:00Z", expected: "2026-02-08T00:00:00Z"),
        Case(cron: "@weekly", zone: "UTC", after: "2026-02-02T00:00:00Z", expected: "2026-02-08T00:00:00Z"),
        Case(cron: "@hourly", zone: "UTC", after: "2026-02-02T10:00:00Z", expected: "2026-02-02T11:00:00Z"),
        Case(cron: "5/20 * * * *", zone: "UTC", after: "2026-02-02T10:30:00Z", expected: "2026-02-02T10:45:00Z"),
        // Feb 29 waits for the next leap year.
        Case(cron: "0 0 29 2 *", zone: "UTC", after: "2026-03-01T00:00:00Z", expected: "2028-02-29T00:00:00Z"),
        Case(cron: "0 12 * * *", zone: "Asia/Kolkata", after: "2026-05-01T00:00:00Z", expected: "2026-05-01T06:30:00Z"),
        // Europe/Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z). A skipped time runs once, as the clocks jump.
        Case(cron: "30 2 * * *", zone: "Europe/Berlin", after: "2026-03-28T23:00:00Z", expected: "2026-03-29T01:00:00Z"),
        Case(cron: "30 2 * * *", zone: "Europe/Berlin", after: "2026-03-29T01:00:00Z", expected: "2026-03-30T00:30:00Z"),
        Case(cron: "0 3 * * *", zone: "Europe/Berlin", after: "2026-03-28T23:00:00Z", expected: "2026-03-29T01:00:00Z"),
        // Every 20 minutes through the gap: 01:40 CET, then one run at the jump, then 03:20 CEST.
        Case(cron: "*/20 * * * *", zone: "Europe/Berlin", after: "2026-03-29T00:40:00Z", expected: "2026-03-29T01:00:00Z"),
        Case(cron: "*/20 * * * *", zone: "Europe/Berlin", after: "2026-03-29T01:00:00Z", expected: "2026-03-29T01:20:00Z"),
        // 2026-10-25: 03:00 CEST goes back to 02:00 CET (01:00Z). A repeated time runs once, the first time.
        Case(cron: "30 2 * * *", zone: "Europe/Berlin", after: "2026-10-24T23:00:00Z", expected: "2026-10-25T00:30:00Z"),
        Case(cron: "30 2 * * *", zone: "Europe/Berlin", after: "2026-10-25T00:30:00Z", expected: "2026-10-26T01:30:00Z"),
        Case(cron: "*/30 * * * *", zone: "Europe/Berlin", after: "2026-10-25T00:30:00Z", expected: "2026-10-25T02:00:00Z"),
        // America/New_York, 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00Z); 2026-11-01: 02:00 EDT back to 01:00 EST (06:00Z).
        Case(cron: "30 2 * * *", zone: "America/New_York", after: "2026-03-08T05:00:00Z", expected: "2026-03-08T07:00:00Z"),
        Case(cron: "30 1 * * *", zone: "America/New_York", after: "2026-11-01T04:00:00Z", expected: "2026-11-01T05:30:00Z"),
        Case(cron: "30 1 * * *", zone: "America/New_York", after: "2026-11-01T05:30:00Z", expected: "2026-11-02T06:30:00Z"),
        Case(cron: "0 * * * *", zone: "America/New_York", after: "2026-11-01T05:00:00Z", expected: "2026-11-01T07:00:00Z"),
    ]

    @Test("the next run, across both daylight-saving changes and leap years", arguments: cases)
    func nextRun(_ item: Case) throws {
        let cron = try CronExpression(item.cron)
        let zone = try #require(TimeZone(identifier: item.zone))
        #expect(cron.next(after: Self.date(item.after), in: zone) == Self.date(item.expected))
    }

    @Test("a bad expression is refused, naming the field and the problem", arguments: [
        ("0 24 * * *", "field 2 (hour): 24 is out of range 0–23"),
        ("0 0 24 * * *", "field 3 (hour): 24 is out of range 0–23"),
        ("* * *", "has 3 fields; expected 5"),
        ("0 0 30 2 *", "field 3 (day of month): 30 never falls in the months of field 4 (2)"),
        ("*/0 * * * *", "field 1 (minute): step '0' is not a whole number of at least 1"),
        ("5-1 * * * *", "field 1 (minute): the range 5-1 runs backwards"),
        ("0 0 * FOO *", "field 4 (month): 'FOO' is not a number (or a name: JAN"),
        ("0 0 * * 1,,2", "field 5 (day of week): an empty item in '1,,2'"),
        ("@often", "'@often' is not one of @annually, @daily"),
    ])
    func refusals(_ text: String, _ message: String) {
        #expect { try CronExpression(text) } throws: { ($0 as? ConveyorError)?.message.hasPrefix(message) == true }
    }

    @Test("day 30 in February with a day of the week is allowed: the week days still match")
    func impossibleDayWithWeekday() throws {
        let cron = try CronExpression("0 0 30 2 MON")
        #expect(cron.next(after: Self.date("2026-02-01T00:00:00Z"), in: .gmt) == Self.date("2026-02-02T00:00:00Z"))
    }
}
