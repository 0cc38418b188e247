// swift-tools-version:6.1
// The article's own system on this library: API Gateway WebSocket proxy events and their handler,
// a Signature Version 4 signer, a `ConnectionSender` over the `@connections` management API,
// DynamoDB stores with the article's single-table schema, the SQS/EventBridge intake, and
// `apigw-local`, a local API Gateway WebSocket emulator on the NIO host. Its own package, so that
// users of the library alone never resolve SwiftNIO or AsyncHTTPClient. Published as
// `swift-websocket-pubsub-aws`.

import PackageDescription

let package = Package(
    name: "swift-websocket-pubsub-aws",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "WebSocketPubSubAWS", targets: ["WebSocketPubSubAWS"]),
        .executable(name: "apigw-local", targets: ["apigw-local"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Named explicitly: a path dependency otherwise takes its identity from the folder name,
        // which differs between clones.
        .package(name: "swift-websocket-pubsub", path: "../.."),
        .package(name: "swift-websocket-pubsub-nio", path: "../NIO"),
    ],
    targets: [
        .target(
            name: "WebSocketPubSubAWS",
            dependencies: [
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "apigw-local",
            dependencies: [
                "WebSocketPubSubAWS",
                .product(name: "WebSocketPubSubNIO", package: "swift-websocket-pubsub-nio"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
                .product(name: "WebSocketCodec", package: "swift-websocket-pubsub"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "WebSocketPubSubAWSTests",
            dependencies: [
                "WebSocketPubSubAWS",
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
                .product(name: "WebSocketPubSubTesting", package: "swift-websocket-pubsub"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
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
