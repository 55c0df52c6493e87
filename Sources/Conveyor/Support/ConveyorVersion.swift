/// This release of Conveyor: what `conveyor --version` prints and the OpenAPI document's
/// `info.version` says (a test keeps them equal), so an operator can tell what a process runs.
public enum ConveyorVersion {
    public static let current = "1.0.0"
}
