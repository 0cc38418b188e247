import Foundation
import Logging

/// Writes each message from `info` up as a line of its own, without timestamp, level or metadata: the
/// lines the example server writes and tests read (`open ID from ADDRESS`, `close ID from ADDRESS`).
struct LineLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) {}

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        FileHandle.standardOutput.write(Data("\(message)\n".utf8))
    }
}
