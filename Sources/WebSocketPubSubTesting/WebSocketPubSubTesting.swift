// The WebSocketPubSubTesting module: the store conformance suite and test doubles.
