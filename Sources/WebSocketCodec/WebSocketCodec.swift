// The WebSocketCodec module: RFC 6455 without I/O. Bytes go in, typed events and bytes come out.
