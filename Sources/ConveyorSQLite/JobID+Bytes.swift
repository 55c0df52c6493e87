import Conveyor
import Foundation

extension JobID {
    /// The 16 raw bytes: a BLOB key that sorts in creation order.
    var bytes: Data {
        withUnsafeBytes(of: uuid.uuid) { Data($0) }
    }

    init?(bytes: Data) {
        guard bytes.count == 16 else { return nil }
        var raw = UUID().uuid
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
        self.init(UUID(uuid: raw))
    }
}
