public import Configuration
public import Conveyor
public import ConveyorCurl

/// How the download plugin reaches the network. The defaults are for URLs that come from job
/// payloads — untrusted — so private, loopback and link-local addresses are refused.
public struct VideoDownloadConfiguration: Sendable {
    /// Which addresses downloads may connect to (`CONVEYOR_ALLOW_PRIVATE_URLS`).
    public var destinations: DestinationPolicy
    public var maxRedirects: Int
    public var connectTimeout: Duration
    /// A download slower than 1 kB/s for this long is abandoned (retryably).
    public var stallTimeout: Duration
    /// Hash the bytes (SHA-256) as they arrive. It costs about a third of a loopback download's
    /// CPU time, so pipelines that never look at the hash turn it off.
    public var computesSHA256: Bool
    /// The largest video accepted, when a later stage has a limit of its own (Telegram's upload
    /// limit): a larger one fails permanently before its body is read when the server announces
    /// the length, and as soon as it passes the limit otherwise. `nil`: the per-job memory cap.
    public var maxBytes: Int?

    public init(
        destinations: DestinationPolicy = .publicOnly, maxRedirects: Int = 5, connectTimeout: Duration = .seconds(15),
        stallTimeout: Duration = .seconds(30), computesSHA256: Bool = true, maxBytes: Int? = nil
    ) {
        self.computesSHA256 = computesSHA256
        self.maxBytes = maxBytes
        self.destinations = destinations
        self.maxRedirects = maxRedirects
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
    }

    /// Reads `allowPrivateUrls` under `scope` (`on` allows every address; a list of addresses
    /// and CIDR ranges allows those; unset or `off`, public addresses only). Throws a problem
    /// naming the setting and the bad entry.
    public static func from(config: ConfigReader, scope: [String] = ["conveyor"]) throws(ConfigurationProblem) -> VideoDownloadConfiguration {
        let settings = SettingsReader(config, scope: scope)
        do {
            return VideoDownloadConfiguration(destinations: try DestinationPolicy.parse(settings.text("allowPrivateUrls")))
        } catch {
            throw ConfigurationProblem(key: scope + ["allowPrivateUrls"], "\(error)")
        }
    }
}
