// swift-tools-version:6.1
// The runnable example: a pub/sub WebSocket server over SwiftNIO, using this library's handshake,
// codec and pub/sub core. It lives in its own package so that users of the library never resolve SwiftNIO.

import PackageDescription

let package = Package(
    name: "PubSubServer",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // Named explicitly: a path dependency otherwise takes its identity from the folder name,
        // which differs between clones.
        .package(name: "swift-websocket-pubsub", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "pubsub-server",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "WebSocketCodec", package: "swift-websocket-pubsub"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
            ],
            path: "Sources/PubSubServer"
        ),
        .executableTarget(
            name: "autobahn-client",
            dependencies: [.product(name: "WebSocketCodec", package: "swift-websocket-pubsub")],
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
