extension WSCloseCode: CustomStringConvertible {
    /// The number and, for codes RFC 6455 or IANA name, the name (`1000 normal closure`).
    public var description: String {
        let name: String? =
            switch rawValue {
            case 1000: "normal closure"
            case 1001: "going away"
            case 1002: "protocol error"
            case 1003: "unsupported data"
            case 1004: "reserved"
            case 1005: "no status received"
            case 1006: "abnormal closure"
            case 1007: "invalid frame payload data"
            case 1008: "policy violation"
            case 1009: "message too big"
            case 1010: "mandatory extension"
            case 1011: "internal server error"
            case 1012: "service restart"
            case 1013: "try again later"
            case 1014: "bad gateway"
            case 1015: "TLS handshake failure"
            default: nil
            }
        return name.map { "\(rawValue) \($0)" } ?? "\(rawValue)"
    }
}
