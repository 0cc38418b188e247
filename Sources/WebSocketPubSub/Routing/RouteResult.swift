/// What routing one message came to.
public enum RouteResult: Hashable, Sendable {
    /// A route handled the message; `reply`, if any, goes back to the sender.
    case handled(route: String, reply: OutboundMessage?)
    /// The message could not be routed (`route` is `nil`) or its route failed; the sender gets
    /// `error`'s reply.
    case failed(route: String?, error: RouteError)

    /// The message to send back to the sender, if any.
    public var reply: OutboundMessage? {
        switch self {
        case .handled(_, let reply): reply
        case .failed(_, let error): error.reply
        }
    }
}
