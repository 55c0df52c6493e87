import ArgumentParser
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

    /// Sends a request and returns the decoded JSON body of a 2xx answer.
    func send(_ method: String, _ path: String, body: Any? = nil, query: [String: String] = [:]) async throws -> Any {
        let (status, data) = try await raw(method, path, body: body, query: query)
        let json = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) ?? [:]
        guard (200..<300).contains(status) else {
            if let error = (json as? [String: Any])?["error"] as? [String: Any], let message = error["message"] as? String {
                throw ClientError("\(message) (\(error["code"] as? String ?? "HTTP \(status)"))")
            }
            throw ClientError("The server answered HTTP \(status)")
        }
        return json
    }

    /// The status and body, whatever the status.
    func raw(_ method: String, _ path: String, body: Any? = nil, query: [String: String] = [:]) async throws -> (Int, Data) {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
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
