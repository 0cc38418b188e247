// swift-tools-version:6.2
// The Hummingbird 2 host: a WebSocket route, `POST /events` and `GET /stats` over the library's session
// layer, and `pubsub-hummingbird`, the pub/sub contract served by Hummingbird. Its own package, so that
// users of the library never resolve Hummingbird; published as `swift-websocket-pubsub-hummingbird`.

import PackageDescription

let package = Package(
    name: "swift-websocket-pubsub-hummingbird",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "WebSocketPubSubHummingbird", targets: ["WebSocketPubSubHummingbird"]),
        .executable(name: "pubsub-hummingbird", targets: ["pubsub-hummingbird"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        // Named explicitly: a path dependency otherwise takes its identity from the folder name.
        .package(name: "swift-websocket-pubsub", path: "../.."),
    ],
    targets: [
        .target(
            name: "WebSocketPubSubHummingbird",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
            ]
        ),
        .executableTarget(
            name: "pubsub-hummingbird",
            dependencies: [
                "WebSocketPubSubHummingbird",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
            ]
        ),
        .testTarget(
            name: "WebSocketPubSubHummingbirdTests",
            dependencies: [
                "WebSocketPubSubHummingbird",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
