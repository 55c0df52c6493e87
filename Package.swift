// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Conveyor",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Conveyor", targets: ["Conveyor"]),
        .library(name: "ConveyorTesting", targets: ["ConveyorTesting"]),
        .library(name: "ConveyorSQLite", targets: ["ConveyorSQLite"]),
        .library(name: "ConveyorPostgres", targets: ["ConveyorPostgres"]),
        .library(name: "ConveyorPostgresConnection", targets: ["ConveyorPostgresConnection"]),
        .library(name: "ConveyorStores", targets: ["ConveyorStores"]),
        .library(name: "ConveyorCurl", targets: ["ConveyorCurl"]),
        .library(name: "ConveyorAPI", targets: ["ConveyorAPI"]),
        .library(name: "ConveyorServer", targets: ["ConveyorServer"]),
        .library(name: "ConveyorDiagnostics", targets: ["ConveyorDiagnostics"]),
        .library(name: "ConveyorVideoDownload", targets: ["ConveyorVideoDownload"]),
        .library(name: "ConveyorMediaProbe", targets: ["ConveyorMediaProbe"]),
        .library(name: "ConveyorTelegramUpload", targets: ["ConveyorTelegramUpload"]),
        .library(name: "ConveyorEmailDelivery", targets: ["ConveyorEmailDelivery"]),
        .library(name: "ConveyorETL", targets: ["ConveyorETL"]),
        .library(name: "ConveyorCommandLine", targets: ["ConveyorCommandLine"]),
        .executable(name: "conveyor", targets: ["conveyor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: ["JSON", "YAML"]),
        // Already in the graph (swift-configuration's YAML); the CLI reads a file's keys with it to refuse unknown ones.
        .package(url: "https://github.com/jpsim/Yams", "5.4.0"..<"7.0.0"),
    ],
    targets: [
        // Core runtime: no C, no I/O beyond logging, metrics and service lifecycle.
        .target(
            name: "Conveyor",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: strict
        ),
        .target(name: "ConveyorTesting", dependencies: ["Conveyor", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),

        // Durable stores.
        .target(
            name: "ConveyorSQLite",
            dependencies: [
                "Conveyor", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),

        // Connecting to PostgreSQL the one way every module does: URL options, the password file,
        // TLS, errors that name the server but never the password. The store and ETL build on it.
        .target(
            name: "ConveyorPostgresConnection",
            dependencies: [
                "Conveyor", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ConveyorPostgres",
            dependencies: [
                "Conveyor", "ConveyorPostgresConnection", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),

        // Store URLs (`sqlite:…`, `postgres://…`, `memory:`) → stores, for every binary that takes `--store`.
        .target(
            name: "ConveyorStores", dependencies: ["Conveyor", "ConveyorSQLite", "ConveyorPostgres", "ConveyorPostgresConnection", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),

        // C libraries from the system (Debian's -dev packages; `make deps` installs them).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CFFmpeg", pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev"])]
        ),
        // Swift over libcurl: async, cancellable transfers on one thread.
        .target(name: "ConveyorCurl", dependencies: ["Conveyor", "CCurl"], swiftSettings: strict),

        // Handler plugins (library targets, not SwiftPM build plugins).
        .target(name: "ConveyorDiagnostics", dependencies: ["Conveyor"], path: "Plugins/Diagnostics", swiftSettings: strict),
        .target(
            name: "ConveyorVideoDownload", dependencies: [
                "Conveyor", "ConveyorCurl", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Configuration", package: "swift-configuration"),
            ],
            path: "Plugins/VideoDownload", swiftSettings: strict
        ),
        .target(
            name: "ConveyorMediaProbe", dependencies: ["Conveyor", "ConveyorVideoDownload", "CFFmpeg"],
            path: "Plugins/MediaProbe", swiftSettings: strict
        ),
        .target(
            name: "ConveyorETL",
            dependencies: [
                "Conveyor", "ConveyorCurl", "ConveyorPostgresConnection", .product(name: "Configuration", package: "swift-configuration"), .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CSV", package: "CSV.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Plugins/ETL", swiftSettings: strict
        ),
        .target(
            name: "ConveyorEmailDelivery", dependencies: ["Conveyor", "ConveyorCurl", .product(name: "Configuration", package: "swift-configuration")],
            path: "Plugins/EmailDelivery", swiftSettings: strict
        ),
        .target(
            name: "ConveyorTelegramUpload",
            dependencies: [
                "Conveyor", "ConveyorCurl", "ConveyorVideoDownload", "ConveyorMediaProbe", .product(name: "Configuration", package: "swift-configuration"),
            ],
            path: "Plugins/TelegramUpload", swiftSettings: strict
        ),

        // The HTTP and WebSocket shapes, as Codable types: what the server sends and reads, and
        // what the CLI (or a user's own client) decodes — one definition, checked against openapi.json.
        .target(name: "ConveyorAPI", dependencies: ["Conveyor"], swiftSettings: strict),

        // REST, WebSocket, dashboard, JWT and /metrics over a runtime.
        .target(
            name: "ConveyorServer",
            dependencies: [
                .product(name: "Configuration", package: "swift-configuration"),
                "Conveyor", "ConveyorAPI", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"), .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Metrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The OpenAPI document and the dashboard page, compiled in: an installed binary needs no bundle.
            resources: [.embedInCode("Resources/openapi.json"), .embedInCode("Resources/dashboard.html")],
            swiftSettings: strict
        ),

        .target(
            name: "ConveyorCommandLine",
            dependencies: [
                "Conveyor", "ConveyorSQLite", "ConveyorPostgres", "ConveyorStores", "ConveyorAPI", "ConveyorServer", "ConveyorDiagnostics", "ConveyorVideoDownload", "ConveyorMediaProbe", "ConveyorTelegramUpload",
                "ConveyorEmailDelivery", "ConveyorETL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "conveyor", dependencies: ["ConveyorCommandLine"], swiftSettings: strict),
        // What the benchmark binaries share (RSS from /proc).
        .target(name: "BenchSupport", path: "Benchmarks/Support", swiftSettings: strict),
        .executableTarget(
            name: "etl-bench",
            dependencies: [
                "Conveyor", "ConveyorTesting", "ConveyorETL", "BenchSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/ETLBench", swiftSettings: strict
        ),
        .executableTarget(
            name: "server-bench",
            dependencies: [
                "Conveyor", "ConveyorServer", "BenchSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"), .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/ServerBench", swiftSettings: strict
        ),
        .executableTarget(
            name: "media-bench",
            dependencies: [
                "Conveyor", "ConveyorTesting", "ConveyorCurl", "ConveyorVideoDownload", "ConveyorMediaProbe", "ConveyorTelegramUpload", "BenchSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/MediaBench", swiftSettings: strict
        ),
        .target(name: "SamplePlugin", dependencies: ["Conveyor"], path: "Samples/CustomHandler/SamplePlugin", swiftSettings: strict),
        .executableTarget(
            name: "custom-handler", dependencies: ["Conveyor", "SamplePlugin"], path: "Samples/CustomHandler/InProcess", swiftSettings: strict),
        .executableTarget(
            name: "custom-handler-server", dependencies: ["ConveyorCommandLine", "SamplePlugin"], path: "Samples/CustomHandler/Server",
            swiftSettings: strict),
        .executableTarget(
            name: "video-to-telegram",
            dependencies: [
                "Conveyor", "ConveyorCurl", "ConveyorStores", "ConveyorTelegramUpload", "ConveyorVideoDownload",
                .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            path: "Samples/VideoToTelegram", swiftSettings: strict
        ),
        // `conveyor` plus a pipeline with a side effect, which the durable-step crash tests kill mid-way.
        .executableTarget(
            name: "step-fixture-worker", dependencies: ["Conveyor", "ConveyorCommandLine"], path: "Tests/StepFixtureWorker", swiftSettings: strict),

        .testTarget(
            name: "ConveyorTests",
            dependencies: [
                "Conveyor", "ConveyorTesting", "ConveyorDiagnostics", "TestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Fixture paths and the local HTTP fixture server, shared by the test targets.
        .target(
            name: "TestSupport",
            dependencies: [
                "Conveyor", "ConveyorCurl", "ConveyorPostgres", "ConveyorPostgresConnection", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"), .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            path: "Tests/Support", swiftSettings: strict
        ),
        .testTarget(
            name: "ConveyorCurlTests",
            dependencies: ["ConveyorCurl", "Conveyor", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VideoDownloadTests",
            dependencies: [
                "ConveyorVideoDownload", "ConveyorCurl", "Conveyor", "ConveyorTesting", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MediaProbeTests",
            dependencies: ["ConveyorMediaProbe", "ConveyorVideoDownload", "ConveyorCurl", "Conveyor", "ConveyorTesting", "TestSupport", "CFFmpeg"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TelegramUploadTests",
            dependencies: [
                "ConveyorTelegramUpload", "ConveyorVideoDownload", "ConveyorMediaProbe", "Conveyor", "ConveyorTesting", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                // The sample binary's tests run it as a process.
                "video-to-telegram",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EmailDeliveryTests", dependencies: ["ConveyorEmailDelivery", "Conveyor", "ConveyorTesting", "TestSupport"], swiftSettings: strict
        ),
        .testTarget(
            name: "ETLTests",
            dependencies: ["ConveyorETL", "Conveyor", "ConveyorPostgres", "ConveyorPostgresConnection", "ConveyorTesting", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // The `conveyor` binary run as a process, configured as operators configure it.
        .testTarget(
            name: "ConveyorCLITests",
            dependencies: [
                "Conveyor", "ConveyorSQLite", "ConveyorCommandLine", "TestSupport", "conveyor", "custom-handler-server",
                .product(name: "Configuration", package: "swift-configuration"),
            ], swiftSettings: strict),
        .testTarget(name: "ConveyorAPITests", dependencies: ["ConveyorAPI", "Conveyor"], swiftSettings: strict),
        .testTarget(
            name: "ConveyorServerTests",
            dependencies: [
                "ConveyorServer", "ConveyorAPI", "Conveyor", "ConveyorTesting", "ConveyorSQLite", "ConveyorDiagnostics", "TestSupport",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"), .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                // CLI tests run the real binary against a real server.
                "conveyor",
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "DiagnosticsTests", dependencies: ["ConveyorDiagnostics", "ConveyorTesting"], swiftSettings: strict),
        .testTarget(
            name: "StoreConformanceTests", dependencies: ["Conveyor", "ConveyorSQLite", "ConveyorPostgres", "ConveyorPostgresConnection", "TestSupport"], swiftSettings: strict
        ),
        .testTarget(
            name: "ConveyorPostgresTests",
            dependencies: [
                "Conveyor", "ConveyorPostgres", "ConveyorPostgresConnection", "ConveyorTesting", "ConveyorDiagnostics", "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
                // Fault tests run the real binary.
                "conveyor", "step-fixture-worker",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConveyorSQLiteTests",
            dependencies: [
                "Conveyor", "ConveyorSQLite", "ConveyorDiagnostics", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                // Crash and bad-input tests run the real binary.
                "conveyor", "step-fixture-worker",
            ],
            swiftSettings: strict
        ),
    ]
)
