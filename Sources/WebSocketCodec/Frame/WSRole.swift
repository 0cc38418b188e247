/// Which end of a connection the local endpoint is.
///
/// The role decides the masking rules of RFC 6455 §5.1: a client masks every frame it sends and
/// rejects masked frames; a server never masks and rejects unmasked frames.
public enum WSRole: Hashable, Sendable {
    /// The endpoint that accepted the connection; it receives masked frames.
    case server
    /// The endpoint that opened the connection; it masks what it sends.
    case client
}
