#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Line-oriented logging to standard error.
///
/// Standard error is unbuffered, so a script waiting for `listening on` sees the line at once,
/// whatever `print`'s buffering would do on a pipe. Each line is one `write(2)`, so lines from
/// different threads do not interleave.
public enum Log {
    /// Writes `message` and a newline to standard error in one call.
    public static func info(_ message: String) {
        let line = message + "\n"
        var utf8 = Array(line.utf8)
        utf8.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
