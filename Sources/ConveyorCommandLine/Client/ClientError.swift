/// A client command failed: the server refused, or could not be reached. Exit code 1.
struct ClientError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
