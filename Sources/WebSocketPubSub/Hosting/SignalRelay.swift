import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The write end of the relay's pipe, for the signal handler: a C function pointer captures nothing.
///
/// `nonisolated(unsafe)` is sound: it is written once, by ``SignalRelay/init()``, before any handler
/// that reads it is installed (installing a handler is a system call, which orders the write before
/// any delivery), and never written again.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// The handler: writes the signal's number to the pipe and nothing else (`write` is
/// async-signal-safe). The write end does not block, so a burst of signals cannot stall the thread
/// that was interrupted; a signal that finds the pipe full is one of many already waiting.
private func relaySignal(_ number: Int32) {
    let savedErrno = errno
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalPipeWriteEnd, &byte, 1)
    errno = savedErrno
}

/// The one pipe, handler set and reading thread that every ``SignalWatcher`` of the process shares: a
/// signal's disposition is process-wide.
final class SignalRelay: Sendable {
    static let shared = SignalRelay()

    private struct State: Sendable {
        var nextToken = 0
        var watchers: [Int: (signals: [Int32], onSignal: @Sendable (Int32) -> Void)] = [:]
        /// What each signal did before the relay's handler replaced it, restored when its last watcher
        /// goes. Kept as the whole `sigaction`, not as an optional handler in a dictionary: `SIG_IGN` is
        /// the address 1, which Swift uses to mean `nil` in a doubly optional C function pointer.
        var previousActions: [Int32: sigaction] = [:]
    }

    private let state = Mutex(State())

    private init() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { fatalError("SignalWatcher: pipe() failed with errno \(errno)") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        signalPipeWriteEnd = ends[1]
        let readEnd = ends[0]
        let thread = Thread { SignalRelay.readSignals(from: readEnd) }
        thread.name = "SignalWatcher"
        thread.start()
    }

    func watch(_ signals: [Int32], _ onSignal: @escaping @Sendable (Int32) -> Void) -> Int {
        state.withLock { state in
            let token = state.nextToken
            state.nextToken += 1
            state.watchers[token] = (signals, onSignal)
            var installed = false
            for number in signals where state.previousActions[number] == nil {
                var action = sigaction()
                #if canImport(Darwin)
                    action.__sigaction_u.__sa_handler = relaySignal
                #elseif canImport(Musl)
                    action.__sa_handler.sa_handler = relaySignal
                #else
                    action.__sigaction_handler.sa_handler = relaySignal
                #endif
                sigemptyset(&action.sa_mask)
                // Restarted, not failed with EINTR: the interrupted thread may be anyone's.
                action.sa_flags = SA_RESTART
                var previous = sigaction()
                sigaction(number, &action, &previous)
                state.previousActions[number] = previous
                installed = true
            }
            // Tells the reading thread to take the new signals too (see `acceptWatchedSignals`).
            if installed { relaySignal(Self.signalsChanged) }
            return token
        }
    }

    func unwatch(_ token: Int) {
        state.withLock { state in
            guard let gone = state.watchers.removeValue(forKey: token) else { return }
            for number in gone.signals where !state.watchers.values.contains(where: { $0.signals.contains(number) }) {
                if var previous = state.previousActions.removeValue(forKey: number) {
                    sigaction(number, &previous, nil)
                }
            }
        }
    }

    /// Calls the watchers of each signal number read, for the life of the process.
    private static func readSignals(from readEnd: Int32) {
        var byte: UInt8 = 0
        while true {
            let count = read(readEnd, &byte, 1)
            if count == 1 {
                if Int32(byte) == signalsChanged {
                    shared.acceptWatchedSignals()
                } else {
                    shared.deliver(Int32(byte))
                }
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    /// Not a signal number: what ``watch(_:_:)`` writes when it installed the handler for another one.
    private static let signalsChanged: Int32 = 0

    /// Unblocks every watched signal in the calling thread (the reading one). Threads that the Swift
    /// runtime's and libdispatch's workers start block most signals, and a process whose every thread
    /// blocks a signal never handles it; this thread always takes the ones watched.
    private func acceptWatchedSignals() {
        var accepted = sigset_t()
        sigemptyset(&accepted)
        for number in state.withLock({ Array($0.previousActions.keys) }) { sigaddset(&accepted, number) }
        pthread_sigmask(SIG_UNBLOCK, &accepted, nil)
    }

    private func deliver(_ number: Int32) {
        let callbacks = state.withLock { state in
            state.watchers.values.filter { $0.signals.contains(number) }.map(\.onSignal)
        }
        for callback in callbacks { callback(number) }
    }
}
