import Conveyor
import ConveyorAPI
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reading and writing JSON bodies the same way everywhere: ISO 8601 UTC times with
/// milliseconds, a body cap, and decoding errors that name the field.
enum JSONBody {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func data(_ value: some Encodable) throws -> Data { try encoder.encode(value) }

    /// The request body, at most `limit` bytes (413 beyond), decoded as `T`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "body_too_large", "The request body is larger than \(limit) bytes")
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "body_too_large", "The request body is larger than \(limit) bytes")
        }
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("The request body is empty; a JSON object is expected") }
        let data = Data(buffer.readableBytesView)
        guard String(validating: data, as: UTF8.self) != nil else {
            throw APIError.badRequest("The body is not valid UTF-8 text; JSON must be UTF-8")
        }
        guard data.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") else {
            throw APIError.badRequest("The body must be a JSON object ({…})")
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as APIError {
            throw error
        } catch let error as DecodingError {
            throw APIError.badRequest(describe(error))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let parts = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return parts.hasPrefix(".") ? String(parts.dropFirst()) : parts
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "\(parent.isEmpty ? "" : parent + ".")\(key.stringValue): is required"
        case .typeMismatch(let type, let context):
            return "\(path(context).isEmpty ? "body" : path(context)): expected \(describe(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(describe(type)), got null"
        case .dataCorrupted(let context):
            let name = path(context)
            if name.isEmpty { return "The body is not valid JSON" }
            return "\(name): \(context.debugDescription)"
        @unknown default:
            return "The body could not be read"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }

    /// Keys sorted: the same value always gives the same text, so "unchanged" can be told by
    /// comparing texts (WebSocket stats are sent only when they change).
    static var encoder: JSONEncoder { APICoding.encoder }
    static var decoder: JSONDecoder { APICoding.decoder }
}
