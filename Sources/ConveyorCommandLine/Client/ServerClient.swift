import ArgumentParser
import ConveyorAPI
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The HTTP side of the client commands: JSON in and out, the bearer token, and server
/// errors turned into one line (`error: message (code)`).
struct ServerClient: Sendable {
    let base: URL
    let token: String?

    init(server: String, token: String?) throws {
        guard let url = URL(string: server), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ValidationError("--server: '\(server)' is not an http(s) URL")
        }
        base = url
        self.token = token
    }

    /// Sends a request and returns the body of a 2xx answer; any other answer becomes a
    /// ``ClientError`` with the server's message and code.
    func send(_ method: String, _ path: String, body: (any Encodable)? = nil, query: [String: String] = [:]) async throws -> Data {
        let (status, data) = try await raw(method, path, body: body, query: query)
        guard (200..<300).contains(status) else {
            if let refusal = try? APICoding.decoder.decode(APIErrorBody.self, from: data) {
                throw ClientError("\(refusal.error.message) (\(refusal.error.code))")
            }
            throw ClientError("The server answered HTTP \(status)")
        }
        return data
    }

    /// Sends a request and decodes the 2xx answer as `type`.
    func send<Answer: Decodable>(
        _ method: String, _ path: String, body: (any Encodable)? = nil, query: [String: String] = [:], as type: Answer.Type
    ) async throws -> (Answer, Data) {
        let data = try await send(method, path, body: body, query: query)
        return (try Self.decode(type, from: data), data)
    }

    /// An answer of the server as `type`, or one line saying it is not what this client expects.
    static func decode<Answer: Decodable>(_ type: Answer.Type, from data: Data) throws -> Answer {
        do {
            return try APICoding.decoder.decode(type, from: data)
        } catch {
            throw ClientError("The server's answer is not a \(type) this conveyor understands (a different version?): \(error)")
        }
    }

    /// The status and body, whatever the status.
    func raw(_ method: String, _ path: String, body: (any Encodable)? = nil, query: [String: String] = [:]) async throws -> (Int, Data) {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try APICoding.encoder.encode(body)
        }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        } catch {
            throw ClientError("Cannot reach the server at \(base.absoluteString): \(error.localizedDescription)")
        }
    }

    /// `ws://…/ws?token=…` for the same server.
    var webSocketURL: String {
        var components = URLComponents(url: base.appendingPathComponent("ws"), resolvingAgainstBaseURL: false)!
        components.scheme = base.scheme == "https" ? "wss" : "ws"
        if let token { components.queryItems = [URLQueryItem(name: "token", value: token)] }
        return components.url!.absoluteString
    }
}
