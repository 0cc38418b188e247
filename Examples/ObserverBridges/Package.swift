// swift-tools-version:6.1
// Transports.md's bridges from PubSubObserver to swift-log and swift-metrics, compiled: the library
// depends on neither, so the code that needs them lives in a package of its own.

import PackageDescription

let package = Package(
    name: "ObserverBridges",
    platforms: [.macOS(.v15)],
    products: [.library(name: "ObserverBridges", targets: ["ObserverBridges"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(name: "swift-websocket-pubsub", path: "../.."),
    ],
    targets: [
        .target(
            name: "ObserverBridges",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
