import Conveyor
import Foundation

extension JobID {
    /// The 16 raw bytes: a BLOB key that sorts in creation order.
    var bytes: Data {
        withUnsafeBytes(of: uuid.uuid) { Data($0) }
    }

    init?(bytes: Data) {
        guard bytes.count == 16 else { return nil }
        let b = [UInt8](bytes)
        self.init(UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])))
    }
}
