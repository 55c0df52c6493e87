import Foundation

/// The OpenAPI 3.1 document of this API, served at `/openapi.json`. Kept by hand next to the
/// routes; `OpenAPITests` validates it, `ConveyorAPITests` checks the wire types against its
/// schemas, and `make fuzz` checks the server against it.
enum OpenAPIDocument {
    /// The methods the document lists for a path (`/api/jobs/01…` matches `/api/jobs/{id}`);
    /// `nil` for a path it does not know. Unlisted methods on a known path get 405.
    static func methods(for path: String) -> [String]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return operations.first { pattern, _ in
            pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }?.methods
    }

    private static let operations: [(pattern: [String], methods: [String])] = {
        guard let document = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let paths = document["paths"] as? [String: [String: Any]]
        else { return [] }
        let verbs: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        return paths.map { path, item in
            (path.split(separator: "/").map(String.init), item.keys.filter(verbs.contains).map { $0.uppercased() }.sorted())
        }
    }()

    /// The file `Resources/openapi.json`, compiled into the binary (so an installed `conveyor` needs no resource bundle beside it).
    static let json = String(decoding: PackageResources.openapi_json, as: UTF8.self)
}
