public import Foundation

/// A cron expression (DESIGN §14): five fields (minute hour day-of-month month day-of-week) or six
/// with seconds first; lists, ranges, steps, month and day names; `@yearly` (`@annually`),
/// `@monthly`, `@weekly`, `@daily` (`@midnight`) and `@hourly`. As in Vixie cron, when both day
/// fields are restricted a day matching either runs, and day of week 7 is Sunday like 0.
///
/// ```swift
/// let nightly = try CronExpression("0 2 * * *")
/// nightly.next(after: .now, in: TimeZone(identifier: "Europe/Berlin")!)
/// ```
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written.
    public let description: String
    private let seconds: CronField
    private let minutes: CronField
    private let hours: CronField
    private let daysOfMonth: CronField
    private let months: CronField
    private let daysOfWeek: CronField

    static let nicknames = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses `text`; throws `ConveyorError(.invalidInput)` naming the field and the problem
    /// (`field 2 (hour): 24 is out of range 0–23`). An expression that can never run (`0 0 30 2 *`)
    /// is refused too.
    public init(_ text: String) throws(ConveyorError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        description = trimmed
        var expanded = trimmed
        if trimmed.hasPrefix("@") {
            guard let fields = Self.nicknames[trimmed.lowercased()] else {
                throw ConveyorError(.invalidInput, "'\(trimmed)' is not one of \(Self.nicknames.keys.sorted().joined(separator: ", "))")
            }
            expanded = fields
        }
        var fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 || fields.count == 6 else {
            throw ConveyorError(
                .invalidInput, "has \(fields.count) fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)")
        }
        let offset = fields.count == 6 ? 1 : 0
        if fields.count == 5 { fields.insert("0", at: 0) }
        seconds = try CronField(fields[0], unit: .second, position: 1)
        minutes = try CronField(fields[1], unit: .minute, position: 1 + offset)
        hours = try CronField(fields[2], unit: .hour, position: 2 + offset)
        daysOfMonth = try CronField(fields[3], unit: .dayOfMonth, position: 3 + offset)
        months = try CronField(fields[4], unit: .month, position: 4 + offset)
        daysOfWeek = try CronField(fields[5], unit: .dayOfWeek, position: 5 + offset)
        // Days of the month no allowed month has (Feb 30) would never run: unless the day of the
        // week may match instead, refuse them.
        if daysOfMonth.restricted && !daysOfWeek.restricted {
            let longest = months.values.map { WallTime.daysIn(month: $0, year: 2024) }.max() ?? 31
            guard let first = daysOfMonth.values.first, first <= longest else {
                throw ConveyorError(
                    .invalidInput, "field \(3 + offset) (day of month): \(fields[3]) never falls in the months of field \(4 + offset) (\(fields[4]))")
            }
        }
    }

    /// The first time after `date` this expression runs in `zone`. Daylight-saving changes follow
    /// Vixie cron: a time skipped by spring-forward runs once, right when the clocks jump; a time
    /// repeated at fall-back runs once, the first time. `nil` only past the year 9999.
    public func next(after date: Date, in zone: TimeZone) -> Date? {
        var wall = WallTime(date, in: zone)
        while let candidate = nextWallTime(after: wall) {
            let instant = candidate.instant(in: zone)
            if instant > date { return instant }
            // Its first occurrence has passed (the clocks went back over it): it has run.
            wall = candidate
        }
        return nil
    }

    /// The first wall time after `wall` the fields allow.
    func nextWallTime(after wall: WallTime) -> WallTime? {
        var t = WallTime(naiveSeconds: wall.naiveSeconds + 1)
        while t.year <= 9999 {
            guard let month = months.next(atLeast: t.month) else {
                t = WallTime(year: t.year + 1, month: 1, day: 1, hour: 0, minute: 0, second: 0)
                continue
            }
            if month != t.month { t = WallTime(year: t.year, month: month, day: 1, hour: 0, minute: 0, second: 0) }
            guard t.day <= WallTime.daysIn(month: t.month, year: t.year), dayMatches(t) else {
                t = WallTime(naiveSeconds: WallTime(year: t.year, month: t.month, day: t.day, hour: 0, minute: 0, second: 0).naiveSeconds + 86_400)
                continue
            }
            guard let hour = hours.next(atLeast: t.hour) else {
                t = WallTime(naiveSeconds: WallTime(year: t.year, month: t.month, day: t.day, hour: 0, minute: 0, second: 0).naiveSeconds + 86_400)
                continue
            }
            if hour != t.hour { (t.hour, t.minute, t.second) = (hour, 0, 0) }
            guard let minute = minutes.next(atLeast: t.minute) else {
                t = WallTime(naiveSeconds: WallTime(year: t.year, month: t.month, day: t.day, hour: t.hour, minute: 0, second: 0).naiveSeconds + 3_600)
                continue
            }
            if minute != t.minute { (t.minute, t.second) = (minute, 0) }
            guard let second = seconds.next(atLeast: t.second) else {
                t = WallTime(naiveSeconds: WallTime(year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: 0).naiveSeconds + 60)
                continue
            }
            t.second = second
            return t
        }
        return nil
    }

    private func dayMatches(_ t: WallTime) -> Bool {
        switch (daysOfMonth.restricted, daysOfWeek.restricted) {
        case (true, true): daysOfMonth.contains(t.day) || daysOfWeek.contains(t.weekday)
        case (true, false): daysOfMonth.contains(t.day)
        case (false, true): daysOfWeek.contains(t.weekday)
        case (false, false): true
        }
    }
}
