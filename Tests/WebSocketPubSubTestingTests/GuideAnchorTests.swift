import Foundation
import Testing

@testable import WebSocketPubSubTesting

@Suite("Failure reports name sections that exist")
struct GuideAnchorTests {
    /// GitHub's anchor for a Markdown heading: lower case, punctuation other than `-` and `_` dropped,
    /// spaces turned into `-`.
    static func anchor(of heading: String) -> String {
        heading.lowercased().unicodeScalars
            .filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" || $0 == " " }
            .map { $0 == " " ? "-" : String($0) }
            .joined()
    }

    @Test func everyGuideAnchorIsAHeadingOfCustomStores() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        let document = try String(
            contentsOf: root.appendingPathComponent(ConformanceGuide.document), encoding: .utf8)
        let anchors = Set(
            document.split(separator: "\n")
                .filter { $0.hasPrefix("#") }
                .map { Self.anchor(of: String($0.drop { $0 == "#" }.drop { $0 == " " })) })
        for guide in ConformanceGuide.all {
            #expect(anchors.contains(guide.anchor), "no heading for #\(guide.anchor)")
        }
    }
}
