import Foundation

/// Which network addresses a transfer may connect to — the guard against server-side request
/// forgery, where a job's URL points at the machine itself or the private network behind it.
///
/// It is checked on the address of every connection libcurl opens (redirects and every
/// resolved address included), so DNS tricks that resolve a public name to a private address are
/// refused too. When a proxy is configured it is the proxy's address that is checked.
public struct DestinationPolicy: Sendable, Hashable {
    /// Public addresses only: private, loopback, link-local, shared, multicast and reserved
    /// ranges are refused.
    public static let publicOnly = DestinationPolicy(allowsPrivate: false, allowed: [])
    /// Anything; for requests whose URL is configured by the operator, not by a job.
    public static let any = DestinationPolicy(allowsPrivate: true, allowed: [])

    /// Public addresses plus these ranges (`127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`).
    public static func publicOnly(allowing ranges: [AddressRange]) -> DestinationPolicy {
        DestinationPolicy(allowsPrivate: false, allowed: ranges)
    }

    public let allowsPrivate: Bool
    public let allowed: [AddressRange]

    /// Reads the `CONVEYOR_ALLOW_PRIVATE_URLS` form: empty, `0`, `false` or `off` → public only;
    /// `1`, `true` or `on` → anything; otherwise a comma-separated list of addresses and CIDR ranges.
    public static func parse(_ text: String?) throws(AddressRange.ParseError) -> DestinationPolicy {
        let value = (text ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        switch value {
        case "", "0", "false", "off", "no": return .publicOnly
        case "1", "true", "on", "yes": return .any
        default:
            var ranges: [AddressRange] = []
            for item in value.split(separator: ",") {
                ranges.append(try AddressRange(String(item).trimmingCharacters(in: .whitespaces)))
            }
            return .publicOnly(allowing: ranges)
        }
    }

    /// Why `address` is refused, or `nil` when it may be used.
    public func refusal(for address: IPAddress) -> String? {
        guard !allowsPrivate, let kind = address.nonPublicKind else { return nil }
        if allowed.contains(where: { $0.contains(address) }) { return nil }
        return "\(address) is a \(kind) address"
    }
}
