/// The outcome of feeding bytes to a head parser.
public enum HTTP1HeadParseResult<Head: Hashable & Sendable>: Hashable, Sendable {
    /// All bytes were consumed and the head is not complete yet; feed more.
    case needMoreData
    /// The head is complete. `consumed` bytes of the last input belong to it; the bytes after them (a
    /// WebSocket frame, a request body) were not looked at and belong to the caller.
    case complete(Head, consumed: Int)
}
