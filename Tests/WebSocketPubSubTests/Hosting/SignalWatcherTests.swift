import Testing

import WebSocketPubSub

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The signal watcher that hosts stop on, with signals sent to this test process: SIGUSR1 and SIGUSR2
/// stand in for SIGINT and SIGTERM, which end a test process. The tests run one at a time because a
/// signal's disposition is process-wide.
@Suite("Hosting: SignalWatcher", .serialized, .timeLimit(.minutes(1)))
struct SignalWatcherTests {
    /// Signal numbers as a watcher reports them, in order.
    final class Received: Sendable {
        let numbers: AsyncStream<Int32>
        let continuation: AsyncStream<Int32>.Continuation

        init() {
            (numbers, continuation) = AsyncStream.makeStream(of: Int32.self)
        }
    }

    /// The handler `signal` reports for `number` now, as a raw address (`SIG_DFL` is 0, `SIG_IGN` 1).
    static func disposition(of number: Int32) -> UInt {
        var current = sigaction()
        sigaction(number, nil, &current)
        #if canImport(Darwin)
            return UInt(bitPattern: unsafeBitCast(current.__sigaction_u.__sa_handler, to: Int.self))
        #elseif canImport(Musl)
            return UInt(bitPattern: unsafeBitCast(current.__sa_handler.sa_handler, to: Int.self))
        #else
            return UInt(bitPattern: unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self))
        #endif
    }

    @Test func everySignalSentToTheProcessReachesTheWatcher() async {
        let received = Received()
        let watcher = SignalWatcher(signals: [SIGUSR2]) { received.continuation.yield($0) }
        var numbers = received.numbers.makeAsyncIterator()
        for _ in 0..<20 {
            kill(getpid(), SIGUSR2)
            #expect(await numbers.next() == SIGUSR2)
        }
        withExtendedLifetime(watcher) {}
    }

    @Test func twoWatchersOfOneSignalAreBothCalledAndTheSecondOutlivesTheFirst() async {
        let first = Received()
        let second = Received()
        var firstWatcher: SignalWatcher? = SignalWatcher(signals: [SIGUSR1, SIGUSR2]) { first.continuation.yield($0) }
        let secondWatcher = SignalWatcher(signals: [SIGUSR2]) { second.continuation.yield($0) }
        var firstNumbers = first.numbers.makeAsyncIterator()
        var secondNumbers = second.numbers.makeAsyncIterator()

        kill(getpid(), SIGUSR2)
        #expect(await firstNumbers.next() == SIGUSR2)
        #expect(await secondNumbers.next() == SIGUSR2)
        kill(getpid(), SIGUSR1)
        #expect(await firstNumbers.next() == SIGUSR1)

        withExtendedLifetime(firstWatcher) {}
        firstWatcher = nil
        kill(getpid(), SIGUSR2)
        #expect(await secondNumbers.next() == SIGUSR2)
        withExtendedLifetime(secondWatcher) {}
    }

    @Test func theDispositionFromBeforeTheFirstWatcherComesBackAfterTheLast() {
        let ignore = UInt(bitPattern: unsafeBitCast(SIG_IGN, to: Int.self))
        let before = signal(SIGUSR1, SIG_IGN)
        defer { signal(SIGUSR1, before) }
        #expect(Self.disposition(of: SIGUSR1) == ignore)

        var watcher: SignalWatcher? = SignalWatcher(signals: [SIGUSR1]) { _ in }
        #expect(Self.disposition(of: SIGUSR1) != ignore)
        withExtendedLifetime(watcher) {}
        watcher = nil
        #expect(Self.disposition(of: SIGUSR1) == ignore)
    }
}
