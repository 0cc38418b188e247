/// Serialization shared by request and response heads.
enum HTTPWire {
    /// Appends header lines and the empty line that ends the head.
    static func append(_ headers: HTTP1Headers, to bytes: inout [UInt8]) {
        for field in headers where HTTPSyntax.isToken(field.name) {
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(contentsOf: ": ".utf8)
            for byte in field.value.utf8 {
                let isForbidden = byte == HTTPSyntax.cr || byte == HTTPSyntax.lf || byte == 0
                bytes.append(isForbidden ? HTTPSyntax.space : byte)
            }
            bytes.append(contentsOf: "\r\n".utf8)
        }
        bytes.append(contentsOf: "\r\n".utf8)
    }
}
