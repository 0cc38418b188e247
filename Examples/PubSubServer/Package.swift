// swift-tools-version:6.1
// The runnable example: a pub/sub WebSocket server over SwiftNIO, using this library's handshake,
// codec and pub/sub core. It lives in its own package so that users of the library never resolve SwiftNIO.

import PackageDescription

let package = Package(
    name: "PubSubServer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pubsub-server", targets: ["pubsub-server"]),
        .executable(name: "autobahn-client", targets: ["autobahn-client"]),
        // The server without its `main`, for hosts that bring their own stores and publisher (the
        // PostgreSQL scale-out example runs it as a cluster node).
        .library(name: "PubSubServerKit", targets: ["PubSubServerKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // Named explicitly: a path dependency otherwise takes its identity from the folder name,
        // which differs between clones.
        .package(name: "swift-websocket-pubsub", path: "../.."),
    ],
    targets: [
        .target(
            name: "PubSubServerKit",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "WebSocketCodec", package: "swift-websocket-pubsub"),
                .product(name: "WebSocketCompression", package: "swift-websocket-pubsub"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
            ]
        ),
        .executableTarget(
            name: "pubsub-server",
            dependencies: ["PubSubServerKit"],
            path: "Sources/PubSubServer"
        ),
        .executableTarget(
            name: "autobahn-client",
            dependencies: [
                .product(name: "WebSocketCodec", package: "swift-websocket-pubsub"),
                .product(name: "WebSocketCompression", package: "swift-websocket-pubsub"),
            ],
            path: "Sources/AutobahnClient"
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
