// swift-tools-version:6.1
// The Vapor 4 host: a WebSocket route, `POST /events` and `GET /stats` over the library's session layer,
// and `pubsub-vapor`, the pub/sub contract served by Vapor. Its own package, so that users of the library
// never resolve Vapor; published as `swift-websocket-pubsub-vapor`. (The folder is not called `Vapor`:
// a root package takes its identity from its folder, and `vapor` is the identity of Vapor itself.)

import PackageDescription

let package = Package(
    name: "swift-websocket-pubsub-vapor",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "WebSocketPubSubVapor", targets: ["WebSocketPubSubVapor"]),
        .executable(name: "pubsub-vapor", targets: ["pubsub-vapor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        .package(url: "https://github.com/vapor/websocket-kit", from: "2.16.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        // Named explicitly: a path dependency otherwise takes its identity from the folder name.
        .package(name: "swift-websocket-pubsub", path: "../.."),
    ],
    targets: [
        .target(
            name: "WebSocketPubSubVapor",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "WebSocketKit", package: "websocket-kit"),
                .product(name: "WebSocketCodec", package: "swift-websocket-pubsub"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
            ]
        ),
        .executableTarget(
            name: "pubsub-vapor",
            dependencies: [
                "WebSocketPubSubVapor",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
            ]
        ),
        .testTarget(
            name: "WebSocketPubSubVaporTests",
            dependencies: [
                "WebSocketPubSubVapor",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "WebSocketKit", package: "websocket-kit"),
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
