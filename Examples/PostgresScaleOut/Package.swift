// swift-tools-version:6.1
// Scale-out on PostgreSQL: database-backed stores, a LISTEN/NOTIFY broker with node leases, and
// `pubsub-node`, the example server running as one node of a cluster. Its own package, so that users
// of the library never resolve PostgresNIO.

import PackageDescription

let package = Package(
    name: "PostgresScaleOut",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PostgresPubSub", targets: ["PostgresPubSub"]),
        .executable(name: "pubsub-node", targets: ["pubsub-node"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.3"),
        // Named explicitly: a path dependency otherwise takes its identity from the folder name,
        // which differs between clones.
        .package(name: "swift-websocket-pubsub", path: "../.."),
        .package(name: "swift-websocket-pubsub-nio", path: "../../Integrations/NIO"),
    ],
    targets: [
        .target(
            name: "PostgresPubSub",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
            ]
        ),
        .executableTarget(
            name: "pubsub-node",
            dependencies: [
                "PostgresPubSub",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "WebSocketPubSubNIO", package: "swift-websocket-pubsub-nio"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
            ],
            path: "Sources/PubSubNode"
        ),
        .testTarget(
            name: "PostgresPubSubTests",
            dependencies: [
                "PostgresPubSub",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
                .product(name: "WebSocketPubSubTesting", package: "swift-websocket-pubsub"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
            .enableUpcomingFeature("InternalImportsByDefault"),
        ]
}
