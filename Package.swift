// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "BatchScore",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "batchscore", targets: ["batchscore"]),
        .executable(name: "batchscore-server", targets: ["batchscore-server"]),
        // The engine as a library (ScoringJob), with what its API names: specs, the CPU budget, built-ins.
        .library(name: "ScoreRuntime", targets: ["ScoreRuntime", "ScoreBuiltins", "ScoreJobSpec", "ScoreCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The job service's packages: only ScoreService and batchscore-server depend on them, so the
        // CLI and the core build without them (DESIGN.md).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        // System libraries. Only ScoreLinalg imports CBLAS, only ScoreJobSpec imports CYAML.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
                       providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CLua", path: "Sources/CLua", pkgConfig: "lua5.4",
                       providers: [.apt(["liblua5.4-dev"])]),
        // Parquet page codecs. Only ScoreIO imports these.
        .systemLibrary(name: "CSnappy", path: "Sources/CSnappy", pkgConfig: "snappy",
                       providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", pkgConfig: "liblz4",
                       providers: [.apt(["liblz4-dev"])]),
        // PostgreSQL's client library (Debian's libpq): the postgres reader and writer. Only ScoreIO imports it.
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        // The C half of the Lua bridge: everything that can raise a Lua error runs here, inside
        // lua_pcall, so a longjmp never crosses a Swift frame. Only ScoreLua imports it.
        .target(name: "CLuaBridge", dependencies: ["CLua"]),

        .target(name: "ScoreCore"),
        .target(name: "ScoreJobSpec", dependencies: ["ScoreCore", "CYAML"]),
        // The fixed-order product models use (RowStableProduct): C for an AVX2 path chosen at run
        // time, since Swift code builds for baseline x86-64. Only ScoreLinalg imports it.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-ffp-contract=off", "-O3"])]),
        .target(name: "ScoreLinalg", dependencies: ["ScoreCore", "CBLAS", "CKernels"]),
        .target(name: "ScoreModels", dependencies: ["ScoreCore", "ScoreLinalg"]),
        .target(name: "ScoreIO", dependencies: ["ScoreCore", "CSnappy", "CZlib", "CZstd", "CLZ4", "CLibPQ"]),
        // Lua hooks, and the tooling of Lua plugins (resolution, tests, scaffolding).
        .target(name: "ScoreLua", dependencies: ["ScoreCore", "ScoreJobSpec", "CLua", "CLuaBridge"]),
        // The built-in validators and the registry that registers every built-in plugin.
        .target(name: "ScoreBuiltins", dependencies: ["ScoreCore", "ScoreIO", "ScoreModels", "ScoreLua"]),
        // The engine as a library: ScoringJob, plans, streaming, workers, the CPU budget, checkpoints.
        .target(name: "ScoreRuntime", dependencies: [
            "ScoreCore", "ScoreJobSpec", "ScoreLinalg", "ScoreModels", "ScoreIO", "ScoreLua", "ScoreBuiltins",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The fuzz harness bodies: the libFuzzer binaries (fuzz/run.sh) and the corpus replay test share them.
        .target(name: "ScoreFuzzTargets", dependencies: [
            "ScoreCore", "ScoreIO", "ScoreJobSpec", "ScoreModels", "ScoreLua", "ScoreBuiltins", "ScoreRuntime",
        ]),
        .executableTarget(name: "batchscore", dependencies: [
            "ScoreRuntime", "ScoreBuiltins", "ScoreCore", "ScoreJobSpec", "ScoreIO", "ScoreLinalg", "ScoreLua",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The job service: HTTP API, the durable job queue (SQLite), tokens, metrics, the status page.
        .target(name: "ScoreService", dependencies: [
            "ScoreRuntime", "ScoreBuiltins", "ScoreCore", "ScoreJobSpec", "ScoreIO",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.embedInCode("openapi.yaml")]),
        .executableTarget(name: "batchscore-server", dependencies: [
            "ScoreService", "ScoreRuntime", "ScoreJobSpec", "ScoreCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // What every test target shares: scratch folders, a silent logger, a simple CSV parser.
        .target(name: "BatchScoreTestKit", dependencies: [.product(name: "Logging", package: "swift-log")],
                path: "Tests/BatchScoreTestKit"),
        .testTarget(name: "ScoreCoreTests", dependencies: ["ScoreCore"]),
        .testTarget(name: "ScoreJobSpecTests", dependencies: ["BatchScoreTestKit", "ScoreJobSpec", "ScoreCore"]),
        // The Parquet expectations are read in place through #filePath, not bundled.
        .testTarget(name: "ScoreIOTests", dependencies: ["BatchScoreTestKit", "ScoreIO", "ScoreCore", "CSnappy", "CZlib", "CZstd", "CLZ4"],
                    exclude: ["ParquetExpectations"]),
        .testTarget(name: "ScoreLuaTests", dependencies: ["BatchScoreTestKit", "ScoreLua", "ScoreCore", "CLuaBridge"]),
        .testTarget(name: "ScoreModelsTests", dependencies: ["ScoreModels", "ScoreCore", "ScoreLinalg", "ScoreIO"],
                    resources: [.copy("Fixtures")]),
        // Replays fuzz/corpus/*/ and fuzz/regressions/*/ (read in place through #filePath).
        .testTarget(name: "ScoreFuzzTargetsTests", dependencies: ["ScoreFuzzTargets"]),
        // The job service end to end: a real batchscore-server on loopback, and its parts.
        .testTarget(name: "ScoreServiceTests", dependencies: ["BatchScoreTestKit", "ScoreService", "ScoreRuntime", "ScoreBuiltins", "ScoreJobSpec", "ScoreCore"]),
        .testTarget(name: "ScoreRuntimeTests", dependencies: ["BatchScoreTestKit", 
            "ScoreRuntime", "ScoreBuiltins", "ScoreLua", "ScoreCore", "ScoreJobSpec", "ScoreIO", "ScoreModels",
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
