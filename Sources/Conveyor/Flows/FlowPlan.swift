/// A flow as sent — jobs with keys, each waiting for others by key — checked and put in an
/// order the store can write in one enqueue: every job after the jobs it waits for. Used by
/// `POST /api/flows` and by ``Flow``; a bad graph is refused here, before anything is stored.
public struct FlowPlan: Sendable {
    /// One job of the flow, as sent.
    public struct Node: Sendable {
        public var key: String
        public var request: JobRequest
        /// Keys of the jobs in this flow it waits for.
        public var after: [String]

        public init(key: String, request: JobRequest, after: [String]) {
            self.key = key
            self.request = request
            self.after = after
        }
    }

    public let id: JobID
    public let name: String?
    /// The requests in dependency order, each with its id, flow membership and `dependsOn` set.
    public private(set) var requests: [JobRequest] = []
    /// The key of each request, in the same order.
    public private(set) var keys: [String] = []

    /// Throws `.invalidInput` naming the place (`jobs[i].key`, `jobs[i].dependsOn[j]`), and code
    /// `flow_cycle` listing the keys of a cycle. `nodes` may be in any order.
    public init(name: String?, nodes: [Node], id: JobID = .make()) throws {
        self.id = id
        self.name = name
        guard (1...1_000).contains(nodes.count) else { throw ConveyorError(.invalidInput, "jobs: a flow holds 1–1000 jobs (got \(nodes.count))") }
        if let name, name.isEmpty || name.utf8.count > 255 { throw ConveyorError(.invalidInput, "name: must be 1–255 bytes long") }
        var index: [String: Int] = [:]
        for (position, node) in nodes.enumerated() {
            guard (1...128).contains(node.key.utf8.count), !node.key.contains("\0") else {
                throw ConveyorError(.invalidInput, "jobs[\(position)].key: must be 1–128 bytes without NUL characters")
            }
            if let earlier = index[node.key] {
                throw ConveyorError(.invalidInput, "jobs[\(position)].key: '\(node.key)' is already the key of jobs[\(earlier)]")
            }
            index[node.key] = position
        }
        for (position, node) in nodes.enumerated() {
            for (place, key) in node.after.enumerated() where index[key] == nil {
                throw ConveyorError(.invalidInput, "jobs[\(position)].dependsOn[\(place)]: no job in this flow has key '\(key)'")
            }
        }
        let order = try Self.order(nodes, index: index)
        // Made in run order, so the flow's jobs sort by id the way they can run.
        var ids = Array(repeating: id, count: nodes.count)
        for position in order { ids[position] = JobID.make() }
        for position in order {
            let node = nodes[position]
            var request = node.request
            request.options.jobID = ids[position]
            request.options.flow = FlowMembership(id: id, key: node.key, name: name)
            request.options.dependsOn = node.after.compactMap { index[$0].map { ids[$0] } } + request.options.dependsOn
            requests.append(request)
            keys.append(node.key)
        }
    }

    /// Every node after the nodes it waits for (Kahn's algorithm, ties in the order sent), or the
    /// keys of a cycle.
    private static func order(_ nodes: [Node], index: [String: Int]) throws -> [Int] {
        var waitingOn = nodes.map { Set($0.after).count }
        var dependents = Array(repeating: [Int](), count: nodes.count)
        for (position, node) in nodes.enumerated() {
            for key in Set(node.after) { if let dependency = index[key] { dependents[dependency].append(position) } }
        }
        var ready = (0..<nodes.count).filter { waitingOn[$0] == 0 }.reversed() as [Int]
        var order: [Int] = []
        while let next = ready.popLast() {
            order.append(next)
            for dependent in dependents[next].reversed() {
                waitingOn[dependent] -= 1
                if waitingOn[dependent] == 0 { ready.append(dependent) }
            }
        }
        guard order.count < nodes.count else { return order }
        // What is left holds a cycle: walk back from any left node until a key repeats.
        let left = Set((0..<nodes.count).filter { waitingOn[$0] > 0 })
        var path: [Int] = []
        var current = left.min()!
        while !path.contains(current) {
            path.append(current)
            current = nodes[current].after.compactMap { index[$0] }.first { left.contains($0) }!
        }
        let cycle = path[path.firstIndex(of: current)!...].map { nodes[$0].key }
        throw ConveyorError(.flowCycle, "jobs: each of these waits for the next, in a cycle: \((cycle + [cycle[0]]).joined(separator: " → "))")
    }
}
