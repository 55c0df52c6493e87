import Foundation

/// What a job type's payload holds, for `GET /api/handlers`, the dashboard's enqueue form and a
/// client that builds payloads: its top-level fields, read off the input type itself (so they
/// can never drift from what the handler decodes), and an example the handler declares.
public struct PayloadDescription: Sendable, Hashable, Codable {
    /// One top-level field of the payload.
    public struct Field: Sendable, Hashable, Codable {
        public var name: String
        /// The input fails without it.
        public var required: Bool
        /// The JSON type the example gives it (`string`, `number`, `boolean`, `object`, `array`);
        /// `nil` when the example leaves it out.
        public var type: String?

        public init(name: String, required: Bool, type: String?) {
            self.name = name
            self.required = required
            self.type = type
        }
    }

    /// In the order the input type reads them; empty when it reads none or reads whatever it
    /// is given (a dictionary).
    public var fields: [Field]
    /// A payload the handler accepts, when it declares one.
    public var example: JSONValue?

    public init(fields: [Field], example: JSONValue?) {
        self.fields = fields
        self.example = example
    }

    /// The fields `Input` reads, found by decoding `example` (or an empty object) with a
    /// decoder that records what it is asked.
    init<Input: Codable & Sendable>(_ type: Input.Type, example: Input?) {
        let json = example.flatMap { try? JSONCoding.decode(JSONValue.self, from: JSONCoding.encode($0)) }
        self.example = json
        fields = FieldRecorder.fields(Input.self, in: json ?? .object([:]))
    }
}
