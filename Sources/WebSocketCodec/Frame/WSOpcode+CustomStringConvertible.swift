extension WSOpcode: CustomStringConvertible {
    /// The opcode's name (`text`, `ping`, ...) or, for a reserved one, its hexadecimal value.
    public var description: String {
        switch rawValue {
        case 0x0: "continuation"
        case 0x1: "text"
        case 0x2: "binary"
        case 0x8: "close"
        case 0x9: "ping"
        case 0xA: "pong"
        default: "reserved opcode 0x\(String(rawValue, radix: 16, uppercase: true))"
        }
    }
}
