import Foundation

/// A time on a wall clock — date and time of day with no zone — and the arithmetic cron needs on
/// it. Conversions to and from instants follow Vixie cron at daylight-saving changes: a wall time
/// that does not exist (skipped by spring-forward) is the instant the clocks jumped; one that
/// happens twice (repeated at fall-back) is its first occurrence.
struct WallTime: Sendable, Hashable, Comparable {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    /// The wall time `date` shows in `zone`.
    init(_ date: Date, in zone: TimeZone) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: date)
        self.init(naiveSeconds: seconds)
    }

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    /// Seconds since 1970-01-01 00:00 on this wall clock, as if the zone were UTC.
    var naiveSeconds: Int {
        WallTime.days(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
    }

    init(naiveSeconds seconds: Int) {
        let days = seconds.floorDivided(by: 86_400)
        let rest = seconds - days * 86_400
        (year, month, day) = WallTime.civil(days: days)
        (hour, minute, second) = (rest / 3_600, rest % 3_600 / 60, rest % 60)
    }

    /// The instant this wall time stands for in `zone`: the first occurrence of a repeated time,
    /// the end of the jump for a skipped one.
    func instant(in zone: TimeZone) -> Date {
        let naive = naiveSeconds
        // The offsets in force around it: at most one change falls within a day of it.
        let offsets = Set([zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(naive - 86_400))),
                           zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(naive + 86_400)))])
        let valid = offsets.map { naive - $0 }.filter { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double($0))) == naive - $0 }
        if let first = valid.min() { return Date(timeIntervalSince1970: Double(first)) }
        // Skipped: the clocks jumped over it, at the change that follows the earlier offset's reading.
        let before = Date(timeIntervalSince1970: Double(naive - (offsets.max() ?? 0)))
        return zone.nextDaylightSavingTimeTransition(after: before) ?? before
    }

    static func < (a: WallTime, b: WallTime) -> Bool { a.naiveSeconds < b.naiveSeconds }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// 0 = Sunday.
    var weekday: Int { (WallTime.days(year: year, month: month, day: day) + 4).modulo(7) }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int {
    func floorDivided(by divisor: Int) -> Int { (self >= 0 ? self : self - divisor + 1) / divisor }
    func modulo(_ divisor: Int) -> Int { ((self % divisor) + divisor) % divisor }
}
