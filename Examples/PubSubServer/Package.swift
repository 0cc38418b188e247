// swift-tools-version:6.1
// The runnable example: the pub/sub server of DESIGN.md, a thin `main` over the SwiftNIO host
// (Integrations/NIO), and the Autobahn client that drives the library's client role.

import PackageDescription

let package = Package(
    name: "PubSubServer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pubsub-server", targets: ["pubsub-server"]),
        .executable(name: "autobahn-client", targets: ["autobahn-client"]),
    ],
    dependencies: [
        // Named explicitly: a path dependency otherwise takes its identity from the folder name,
        // which differs between clones.
        .package(name: "swift-websocket-pubsub", path: "../.."),
        .package(name: "swift-websocket-pubsub-nio", path: "../../Integrations/NIO"),
    ],
    targets: [
        .executableTarget(
            name: "pubsub-server",
            dependencies: [.product(name: "WebSocketPubSubNIO", package: "swift-websocket-pubsub-nio")],
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
