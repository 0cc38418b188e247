#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A blocking TCP socket: all a one-connection-at-a-time test client needs, and nothing between
/// the library's codec and the wire.
struct BlockingSocket: ~Copyable {
    private let descriptor: Int32

    /// Connects to `host:port` (a numeric IPv4 or IPv6 address, or a name the resolver knows).
    init(host: String, port: Int) throws(SocketError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
            hints.ai_socktype = SOCK_STREAM
        #else
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw SocketError(message: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(results) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    var one: Int32 = 1
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    descriptor = fd
                    return
                }
                close(fd)
            }
            candidate = info.pointee.ai_next
        }
        throw SocketError(message: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
    }

    deinit { close(descriptor) }

    /// Writes every byte, or throws when the peer has gone.
    func write(_ bytes: [UInt8]) throws(SocketError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw SocketError(message: "write failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Reads what is available into `buffer`; returns the count, 0 at end of stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Int {
        while true {
            let count = recv(descriptor, buffer.baseAddress!, buffer.count, 0)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            if errno == ECONNRESET { return 0 }
            throw SocketError(message: "read failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Half-closes our side so that the peer sees end of stream after our last bytes.
    func shutdownWrite() {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }
}

/// A socket failure, in words.
struct SocketError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
