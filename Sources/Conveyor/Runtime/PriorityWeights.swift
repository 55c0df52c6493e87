/// How often each priority gets first pick (default 60/30/10). Weighted, not strict, so a
/// flood of `high` jobs slows `low` ones down but never starves them.
public struct PriorityWeights: Sendable, Hashable {
    public var high: Int
    public var normal: Int
    public var low: Int

    public init(high: Int = 60, normal: Int = 30, low: Int = 10) {
        self.high = high
        self.normal = normal
        self.low = low
    }

    public static let `default` = PriorityWeights()

    /// All three priorities, ordered by a weighted draw without replacement.
    public func drawOrder(using generator: inout some RandomNumberGenerator) -> [JobPriority] {
        var remaining: [(JobPriority, Int)] = [(.high, high), (.normal, normal), (.low, low)]
        var order: [JobPriority] = []
        while !remaining.isEmpty {
            let total = remaining.reduce(0) { $0 + max($1.1, 0) }
            var pick = total > 0 ? Int.random(in: 0..<total, using: &generator) : 0
            let index = remaining.firstIndex { entry in
                defer { pick -= max(entry.1, 0) }
                return pick < max(entry.1, 0)
            } ?? 0
            order.append(remaining.remove(at: index).0)
        }
        return order
    }

    var problems: [String] {
        let values = [("high", high), ("normal", normal), ("low", low)]
        var problems = values.filter { $0.1 < 0 || $0.1 > 1000 }.map { "priorityWeights.\($0.0): \($0.1) is out of range 0…1000" }
        if high + normal + low == 0 { problems.append("priorityWeights: at least one weight must be above 0") }
        return problems
    }
}
