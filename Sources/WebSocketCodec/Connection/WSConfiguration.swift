/// Limits and behaviour of a ``WSConnection``.
///
/// The defaults are safe for a public endpoint: a peer can make the connection hold at most
/// ``maxMessageSize`` bytes of message plus 125 bytes of control payload, whatever it sends.
public struct WSConfiguration: Hashable, Sendable {
    /// The largest message, in bytes, across all of its frames; larger ones fail the connection
    /// with 1009 as soon as a frame header announces them. Default 1 MiB.
    public var maxMessageSize: Int
    /// The largest single frame payload. Default `Int.max`: frames are then bounded by
    /// ``maxMessageSize`` alone (a data frame is part of a message; control frames hold at most 125 bytes).
    public var maxFrameSize: Int
    /// The most frames one message may be split into; more fail the connection with 1008.
    /// Default 1024. Raise it for peers that fragment finely (the Autobahn TestSuite's case 9.3.1
    /// sends a 4 MiB message in 65,536 frames of 64 bytes).
    public var maxFramesPerMessage: Int
    /// Whether the connection answers each ping with a pong by itself (RFC 6455 §5.5.2). Default `true`.
    public var answersPings: Bool

    /// Creates a configuration; every parameter has a safe default.
    public init(
        maxMessageSize: Int = WSMessageAssembler.defaultMaxMessageSize,
        maxFrameSize: Int = .max,
        maxFramesPerMessage: Int = WSMessageAssembler.defaultMaxFramesPerMessage,
        answersPings: Bool = true
    ) {
        self.maxMessageSize = maxMessageSize
        self.maxFrameSize = maxFrameSize
        self.maxFramesPerMessage = maxFramesPerMessage
        self.answersPings = answersPings
    }
}
