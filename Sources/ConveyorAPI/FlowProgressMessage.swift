public import Conveyor

/// `flow:progress` — sent when a followed flow's counts change — and, once, `flow:finished` when
/// its last job ends (DESIGN §11). Both carry the same fields; `type` says which it is.
public struct FlowProgressMessage: Codable, Sendable, Equatable {
    public var type: String
    public var flowId: String
    public var status: FlowStatus
    /// Jobs per state; every state present.
    public var counts: [String: Int]
    /// Finished jobs out of all, 0…100.
    public var percent: Double

    public init(_ flow: FlowSnapshot) {
        type = flow.status == .running ? "flow:progress" : "flow:finished"
        flowId = flow.id.description
        status = flow.status
        counts = Dictionary(uniqueKeysWithValues: flow.counts.map { ($0.key.rawValue, $0.value) })
        percent = flow.percent
    }
}
