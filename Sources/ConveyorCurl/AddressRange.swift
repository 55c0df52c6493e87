/// An address or CIDR range (`127.0.0.1`, `10.0.0.0/8`, `fd00::/8`) let through the destination guard.
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    /// Names the text that is not an address or range.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let text: String
        public var description: String { "\"\(text)\" is not an IP address or CIDR range (e.g. 127.0.0.1, 10.0.0.0/8, ::1)" }
    }

    public let network: IPAddress
    public let prefixLength: Int

    public init(_ text: String) throws(ParseError) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let address = IPAddress(first) else { throw ParseError(text: text) }
        let bits = address.bytes.count * 8
        var length = bits
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...bits).contains(value) else { throw ParseError(text: text) }
            length = value
        }
        network = address
        prefixLength = length
    }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for (a, n) in zip(address.bytes, network.bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xff : ~(0xff >> UInt8(remaining))
            if a & mask != n & mask { return false }
            remaining -= 8
        }
        return true
    }

    public var description: String { "\(network)/\(prefixLength)" }
}
