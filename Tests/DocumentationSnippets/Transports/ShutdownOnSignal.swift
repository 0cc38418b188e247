import WebSocketPubSub

/// Transports.md, "Shutting down on a signal": a host that waits for SIGINT or SIGTERM, then closes
/// every session with 1001. Compiled, not run: the signal would have to come from outside the tests.
func shutDownOnSignal(hub: SessionHub) async {
    let (stops, stop) = AsyncStream.makeStream(of: Int32.self)
    let signals = SignalWatcher { number in stop.yield(number) }
    for await _ in stops { break }
    await hub.shutdown()
    withExtendedLifetime(signals) {}
}
