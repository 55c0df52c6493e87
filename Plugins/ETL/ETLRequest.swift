/// The `etl` payload: `{source, transform?, destination}`.
public struct ETLRequest: Codable, Sendable, Hashable {
    public var source: ETLSource
    public var transform: [ETLTransform]
    public var destination: ETLDestination

    public init(source: ETLSource, transform: [ETLTransform] = [], destination: ETLDestination) {
        self.source = source
        self.transform = transform
        self.destination = destination
    }

    private enum CodingKeys: String, CodingKey {
        case source, transform, destination
    }

    /// `transform` may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(ETLSource.self, forKey: .source)
        transform = try container.decodeIfPresent([ETLTransform].self, forKey: .transform) ?? []
        destination = try container.decode(ETLDestination.self, forKey: .destination)
    }
}
