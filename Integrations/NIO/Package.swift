// swift-tools-version:6.1
// The SwiftNIO host of swift-websocket-pubsub: a complete pub/sub WebSocket server (the library's
// handshake, codec and session layer over NIO channels) that users configure with their own router,
// authorizers, observer, stores and publisher. Its own package, so that users of the library alone
// never resolve SwiftNIO. Published as `swift-websocket-pubsub-nio`.

import PackageDescription

let package = Package(
    name: "swift-websocket-pubsub-nio",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "WebSocketPubSubNIO", targets: ["WebSocketPubSubNIO"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // Named explicitly: a path dependency otherwise takes its identity from the folder name,
        // which differs between clones.
        .package(name: "swift-websocket-pubsub", path: "../.."),
    ],
    targets: [
        .target(
            name: "WebSocketPubSubNIO",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "WebSocketCodec", package: "swift-websocket-pubsub"),
                .product(name: "WebSocketCompression", package: "swift-websocket-pubsub"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
            ]
        ),
        .testTarget(
            name: "WebSocketPubSubNIOTests",
            dependencies: [
                "WebSocketPubSubNIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "WebSocketCodec", package: "swift-websocket-pubsub"),
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
        ]
}
