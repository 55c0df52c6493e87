import Foundation

/// A handler or pipeline with its types erased to JSON in, JSON out: what the runtime runs.
struct RegisteredHandler: Sendable {
    let description: HandlerDescription
    let options: JobOptions
    /// Decodes the payload, throwing `ConveyorError(.invalidPayload)` naming the field.
    let validate: @Sendable (Data) throws -> Void
    let run: @Sendable (Data, JobContext) async throws -> Data

    init<Input: Codable & Sendable, Output: Codable & Sendable>(
        description: HandlerDescription, options: JobOptions,
        body: @escaping @Sendable (Input, JobContext) async throws -> Output
    ) {
        self.description = description
        self.options = options
        let name = description.name
        validate = { data in
            do { _ = try JSONCoding.decode(Input.self, from: data) } catch let error as DecodingError {
                throw ConveyorError(.invalidPayload, "Invalid payload for '\(name)': \(error.fieldMessage(root: "payload"))")
            } catch {
                throw ConveyorError(.invalidPayload, "Invalid payload for '\(name)': payload is not valid JSON")
            }
            // A field the input never reads is a typo that would be lost: refuse it by name.
            if data.count > 2, let json = try? JSONCoding.decode(JSONValue.self, from: data),
                let unknown = FieldRecorder.firstUnknown(Input.self, in: json, root: "payload")
            {
                let known = unknown.known.isEmpty ? "it takes no fields" : "known: \(unknown.known.joined(separator: ", "))"
                throw ConveyorError(
                    .invalidPayload, "Invalid payload for '\(name)': \(unknown.path).\(MessageText.name(unknown.key)): is not a known field (\(known))")
            }
        }
        run = { data, context in
            let input: Input
            do { input = try JSONCoding.decode(Input.self, from: data) } catch let error as DecodingError {
                throw JobError.permanent(error.fieldMessage(root: "payload"), code: "invalid_payload")
            }
            return try JSONCoding.encode(try await body(input, context))
        }
    }
}
