extension Duration {
    /// Whole nanoseconds: what swift-metrics timers and NIO's scheduling take.
    package var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
