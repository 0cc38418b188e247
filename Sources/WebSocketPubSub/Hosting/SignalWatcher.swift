#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns signals (SIGINT and SIGTERM, by default) into a call instead of the default immediate exit,
/// for as long as the watcher lives: what a host waits for before it closes its sessions with 1001.
///
/// ```swift
/// let (stops, stop) = AsyncStream.makeStream(of: Int32.self)
/// let signals = SignalWatcher { number in stop.yield(number) }
/// for await _ in stops { break }
/// await hub.shutdown()
/// withExtendedLifetime(signals) {}
/// ```
///
/// The handler is installed with `sigaction(2)` before `init` returns, so a signal sent at any time after
/// that reaches `onSignal`. It does the one thing a handler may safely do: write the signal's number
/// to a pipe, which a thread of the watchers' reads. It is not a `DispatchSourceSignal` (which
/// swift-service-lifecycle's `UnixSignals` also uses): on Linux, libdispatch installs its handler
/// later, from its manager thread, and relays each signal to that thread and a `signalfd`; the NIO
/// host built on one, started, connected to and sent SIGTERM or SIGINT in a loop, lost the signal
/// about once in 300 runs (it logged nothing and kept serving).
///
/// When the last watcher of a signal goes, the signal's disposition from before the first is restored.
public final class SignalWatcher: Sendable {
    private let token: Int

    /// Calls `onSignal`, on a thread of the watchers', with the number of each of `signals` that the
    /// process receives, from now until the watcher is released.
    public init(signals: [Int32], onSignal: @escaping @Sendable (Int32) -> Void) {
        token = SignalRelay.shared.watch(signals, onSignal)
    }

    /// Calls `onSignal` for each SIGINT and SIGTERM; see ``init(signals:onSignal:)``.
    public convenience init(onSignal: @escaping @Sendable (Int32) -> Void) {
        self.init(signals: [SIGINT, SIGTERM], onSignal: onSignal)
    }

    deinit {
        SignalRelay.shared.unwatch(token)
    }
}
