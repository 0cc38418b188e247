// swift-tools-version:6.1
// Swift 6.1 is the minimum: the package uses the Swift 6 language mode and the
// `MemberImportVisibility` upcoming feature, which 6.0 compilers do not know.

import PackageDescription

let package = Package(
    name: "swift-websocket-pubsub",
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    products: [
        .library(name: "WebSocketCodec", targets: ["WebSocketCodec"]),
        .library(name: "WebSocketPubSub", targets: ["WebSocketPubSub"]),
        .library(name: "WebSocketPubSubTesting", targets: ["WebSocketPubSubTesting"]),
        .library(name: "WebSocketCompression", targets: ["WebSocketCompression"]),
    ],
    targets: [
        .target(name: "WebSocketCodec", dependencies: ["CWebSocketUTF8"]),
        // UTF-8 validation with AVX2 or NEON intrinsics, chosen at run time; the codec falls back to
        // its own scalar validator where neither exists. C, because Swift has no byte shuffle.
        .target(name: "CWebSocketUTF8"),
        .target(name: "WebSocketPubSub"),
        // The system zlib (zlib1g-dev on Debian and Ubuntu), for permessage-deflate; kept out of
        // WebSocketCodec so that a host without compression links no zlib.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "WebSocketCompression", dependencies: ["WebSocketCodec", "CZlib"]),
        .target(name: "WebSocketPubSubTesting", dependencies: ["WebSocketPubSub"]),
        .testTarget(name: "WebSocketCodecTests", dependencies: ["WebSocketCodec"]),
        .testTarget(name: "WebSocketCompressionTests", dependencies: ["WebSocketCompression", "WebSocketCodec"]),
        .testTarget(name: "WebSocketPubSubTests", dependencies: ["WebSocketPubSub", "WebSocketPubSubTesting"]),
        .testTarget(
            name: "WebSocketPubSubTestingTests",
            dependencies: ["WebSocketPubSub", "WebSocketPubSubTesting"]
        ),
        // The Swift snippets of README.md and Documentation/, compiled and run; Scripts/check-docs.sh
        // checks that each guide shows them as written here.
        .testTarget(
            name: "DocumentationSnippets",
            dependencies: ["WebSocketCodec", "WebSocketCompression", "WebSocketPubSub", "WebSocketPubSubTesting"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.name != "CWebSocketUTF8" && target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ])
    target.swiftSettings = settings
}
