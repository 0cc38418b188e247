/// The three reserved bits (RSV1, RSV2, RSV3) of a frame header (RFC 6455 §5.2).
///
/// The raw value uses the bits' positions in the first header byte, so a header's bits are
/// `firstByte & 0x70`. A bit may only be set when a negotiated extension claims it.
public struct WSReservedBits: OptionSet, Hashable, Sendable {
    /// The bits as they sit in the first header byte (`0x40`, `0x20`, `0x10`).
    public let rawValue: UInt8

    /// Creates a set of reserved bits from their positions in the first header byte; other bits are dropped.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue & 0x70
    }

    /// RSV1 (`0x40`), used by permessage-deflate (RFC 7692) to mark a compressed message.
    public static let rsv1 = WSReservedBits(rawValue: 0x40)
    /// RSV2 (`0x20`).
    public static let rsv2 = WSReservedBits(rawValue: 0x20)
    /// RSV3 (`0x10`).
    public static let rsv3 = WSReservedBits(rawValue: 0x10)
}
