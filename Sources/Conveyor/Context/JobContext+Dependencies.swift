import Foundation

extension JobContext {
    /// The output of the dependency that ran `handler`, typed: `try context.result(of: Fetch.self)`.
    /// Throws a permanent ``JobError`` (code `dependency_missing`) naming the type when no
    /// dependency of that type completed, or its result does not decode as the handler's output.
    public func result<H: JobHandler>(of handler: H.Type) throws -> H.Output {
        guard let dependency = dependencies.first(where: { $0.type == H.name && $0.status == .completed }), let data = dependency.result else {
            let known = dependencies.map { "\($0.type) (\($0.status.rawValue))" }.joined(separator: ", ")
            throw JobError.permanent(
                "No completed dependency of type '\(H.name)' (this job waited for: \(known.isEmpty ? "none" : known))", code: "dependency_missing")
        }
        do {
            return try JSONDecoder().decode(H.Output.self, from: data)
        } catch {
            throw JobError.permanent("The result of dependency \(dependency.id) (\(H.name)) is not its output: \(error)", code: "dependency_missing")
        }
    }
}
