/// One field of a cron expression: which values of its unit it allows, read from lists, ranges,
/// steps and names. `restricted` is false for `*` (and `?`), which matters for the day fields.
struct CronField: Sendable, Hashable {
    enum Unit: String, Sendable {
        case second, minute, hour, dayOfMonth = "day of month", month, dayOfWeek = "day of week"

        var range: ClosedRange<Int> {
            switch self {
            case .second, .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        var names: [String] {
            switch self {
            case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: []
            }
        }

        /// The value a name stands for: months from 1, days of the week from 0 (Sunday).
        func value(named name: String) -> Int? {
            names.firstIndex(of: name.uppercased()).map { self == .month ? $0 + 1 : $0 }
        }
    }

    let unit: Unit
    /// Allowed values, sorted; day of week 7 is folded into 0 (both Sunday).
    let values: [Int]
    let restricted: Bool

    /// Parses `text` as field `position` (1-based, as the user counts them); the problem names both.
    init(_ text: String, unit: Unit, position: Int) throws(ConveyorError) {
        func problem(_ message: String) -> ConveyorError {
            ConveyorError(.invalidInput, "field \(position) (\(unit.rawValue)): \(message)")
        }
        self.unit = unit
        restricted = !(text == "*" || text == "?")
        var allowed = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw problem("an empty item in '\(text)'") }
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw problem("'\(part)' has more than one step") }
            var step = 1
            if pieces.count == 2 {
                guard let value = Int(pieces[1]), value >= 1 else { throw problem("step '\(pieces[1])' is not a whole number of at least 1") }
                step = value
            }
            let span = pieces[0]
            var low: Int, high: Int
            if span == "*" || span == "?" {
                (low, high) = (unit.range.lowerBound, unit == .dayOfWeek ? 6 : unit.range.upperBound)
            } else {
                let ends = span.split(separator: "-", omittingEmptySubsequences: false)
                guard ends.count <= 2 else { throw problem("'\(span)' is not a value or a range") }
                func value(_ text: Substring) throws(ConveyorError) -> Int {
                    if let number = Int(text) {
                        guard unit.range.contains(number) else {
                            throw problem("\(number) is out of range \(unit.range.lowerBound)–\(unit.range.upperBound)")
                        }
                        return number
                    }
                    guard let named = unit.value(named: String(text)) else {
                        let known = unit.names.isEmpty ? "" : " (or a name: \(unit.names.joined(separator: ", ")))"
                        throw problem("'\(text)' is not a number\(known)")
                    }
                    return named
                }
                low = try value(ends[0])
                high = ends.count == 2 ? try value(ends[1]) : (pieces.count == 2 ? unit.range.upperBound : low)
                guard low <= high else { throw problem("the range \(span) runs backwards") }
            }
            for value in stride(from: low, through: high, by: step) { allowed.insert(unit == .dayOfWeek && value == 7 ? 0 : value) }
        }
        values = allowed.sorted()
    }

    func contains(_ value: Int) -> Bool { values.contains(value) }

    /// The smallest allowed value ≥ `value`, or `nil` when there is none (the next unit up carries).
    func next(atLeast value: Int) -> Int? { values.first { $0 >= value } }
}
