/// The dashboard (`GET /`): one self-contained page — queue stats, the memory gauge, recent
/// jobs with live progress, cancel/retry, and a form for any registered type — fed by the REST
/// API and the `/ws` WebSocket. A token comes from `#token=…` (as `serve` prints it) or a prompt.
enum DashboardPage {
    /// The file `Resources/dashboard.html`, compiled into the binary (so an installed `conveyor` needs no resource bundle beside it).
    static let html = String(decoding: PackageResources.dashboard_html, as: UTF8.self)
}
