// swift-tools-version:6.1
// Side-by-side benchmarks of this library against SwiftNIO's WebSocket codec and Foundation.
// A package of its own so that users of the library never resolve SwiftNIO.

import PackageDescription

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // Named explicitly: a path dependency otherwise takes its identity from the folder name,
        // which differs between clones.
        .package(name: "swift-websocket-pubsub", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "benchmarks",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "WebSocketCodec", package: "swift-websocket-pubsub"),
                .product(name: "WebSocketPubSub", package: "swift-websocket-pubsub"),
                .product(name: "WebSocketCompression", package: "swift-websocket-pubsub"),
                "CHeapInfo",
                "CAllocationCounter",
                "CByteSum",
                "CZlibDirect",
            ],
            path: "Sources/benchmarks"
        ),
        // glibc's mallinfo2(), which the Glibc module does not export, for the memory cases.
        .target(name: "CHeapInfo", path: "Sources/CHeapInfo"),
        // malloc and friends, wrapped to count allocations per operation (see the C file).
        .target(name: "CAllocationCounter", path: "Sources/CAllocationCounter"),
        // The checksum both sides of a decode case take over every payload byte.
        .target(name: "CByteSum", path: "Sources/CByteSum"),
        // The system zlib, for the compression cases' baseline (zlib called directly).
        .systemLibrary(name: "CZlibDirect", path: "Sources/CZlibDirect"),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.name == "benchmarks" {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
            .enableUpcomingFeature("InternalImportsByDefault"),
        ]
}
