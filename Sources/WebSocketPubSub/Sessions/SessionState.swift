/// One session's bookkeeping: its outbound queue, its inbound queue and where it is in its life.
///
/// A pure state machine: ``PubSubSession`` calls it under its lock and carries out what it returns
/// (start a writer task, start a handler task, close the transport, resume waiters) outside the lock.
///
/// ## Life
/// `open` → `closing` (the server asked the transport to close) → `transportClosed` (the host saw the
/// socket end) → `ended` (`$disconnect` has run). A session may skip `closing`. Inbound messages
/// received before the transport closed are all handled, then `$disconnect` runs once, after the last.
struct SessionState: Sendable {
    enum Phase: Hashable, Sendable {
        case open
        case closing
        case transportClosed
        case ended
    }

    /// A received message waiting to be handled, and who waits for it to be handled.
    struct Inbound: Sendable {
        enum Payload: Sendable {
            case text([UInt8])
            case binary
        }

        var payload: Payload
        var completion: Completion
    }

    /// Who is told that an inbound message has been handled.
    enum Completion: Sendable {
        case none
        case continuation(CheckedContinuation<Void, Never>)
        case callback(@Sendable () -> Void)

        func resume() {
            switch self {
            case .none: break
            case .continuation(let continuation): continuation.resume()
            case .callback(let callback): callback()
            }
        }
    }

    /// What ``enqueue(_:configuration:)`` decided.
    enum EnqueueResult: Sendable {
        /// Queued; start a writer task when `startWriter` is set (none is draining the queue).
        case queued(startWriter: Bool)
        /// Not queued, for this reason; close the transport with 1008 when `close` is set.
        case refused(SendFailure.Reason, close: Bool)
    }

    /// What ``receive(_:limit:)`` decided.
    enum ReceiveResult: Sendable {
        /// Queued; start a handler task when `startHandler` is set.
        case queued(startHandler: Bool)
        /// Too many messages wait: close with 1008. The message was not queued.
        case overflow
        /// The session no longer takes messages; the message was dropped.
        case ignored
    }

    /// What the handler task does next.
    enum InboundStep: Sendable {
        case handle(Inbound)
        /// The transport closed and every message has been handled: run `$disconnect`.
        case disconnect
        /// Nothing to do; the handler task ends.
        case idle
    }

    private(set) var phase = Phase.open
    private var outbound: [OutboundMessage] = []
    /// An emptied batch whose storage the next batch reuses: a request and its reply then allocate
    /// no array. Only small ones are kept, so a burst does not pin its capacity.
    private var spare: [OutboundMessage] = []
    private static let spareCapacityLimit = 16
    private var queuedBytes = 0
    /// Messages and bytes handed to the transport in the batch being written: they count against
    /// the limits until the transport has taken them.
    private var writingCount = 0
    private var writingBytes = 0
    private var writing = false
    private var inbound = FIFOQueue<Inbound>()
    /// Whether a message taken from `inbound` is being handled now.
    private var handlingOne = false
    private var handling = false
    private var disconnecting = false
    private var endWaiters: [CheckedContinuation<Void, Never>] = []
    /// When activity was last written to the connection store, on the hub's clock.
    private var lastActivityMark: Duration
    /// Per entity subscribed with history: the latest offset queued, and the published messages held
    /// while a subscribe to it is between its store call and its history read.
    private var cursors = HistoryCursors()
    /// Messages and bytes held in cursors: they count against the outbound limits.
    private var heldCount = 0
    private var heldBytes = 0

    init(openedAt: Duration) {
        lastActivityMark = openedAt
    }

    /// Messages queued and not yet handed to the transport.
    var queuedOutboundCount: Int { outbound.count }

    /// Received messages not yet handled (the one being handled included).
    var queuedInboundCount: Int { inbound.count + (handlingOne ? 1 : 0) }

    var isEnded: Bool { phase == .ended }

    // MARK: - Outbound

    /// Queues `message` for the transport, or refuses it under the limits and the slow-consumer policy.
    ///
    /// - Complexity: O(1) amortized.
    mutating func enqueue(_ message: OutboundMessage, configuration: SessionConfiguration) -> EnqueueResult {
        guard phase == .open else { return .refused(.gone, close: false) }
        if let mark = message.historyMark, !cursors.isEmpty {
            switch cursors.admit(mark) {
            case .queue:
                break
            case .skip:
                // Already queued by a recovering subscribe's replay: every offset goes out once.
                return .queued(startWriter: false)
            case .hold(let slot):
                if let refusal = refusalIfFull(adding: message.bytes.count, configuration: configuration) {
                    return refusal
                }
                cursors.hold(message, slot: slot)
                heldCount += 1
                heldBytes += message.bytes.count
                return .queued(startWriter: false)
            }
        }
        return append(message, configuration: configuration)
    }

    /// The slow-consumer refusal when `size` more bytes (one more message) would not fit.
    private mutating func refusalIfFull(adding size: Int, configuration: SessionConfiguration) -> EnqueueResult? {
        if outbound.count + writingCount + heldCount >= configuration.maxQueuedMessages
            || queuedBytes + writingBytes + heldBytes + size > configuration.maxQueuedBytes
        {
            let limits = "\(configuration.maxQueuedMessages) messages or \(configuration.maxQueuedBytes) bytes"
            switch configuration.slowConsumerPolicy {
            case .close:
                beginClose()
                return .refused(
                    .failed("slow consumer: its outbound queue is over \(limits); closed with 1008"), close: true)
            case .dropNewest:
                return .refused(
                    .failed("slow consumer: its outbound queue is over \(limits); the message was dropped"),
                    close: false)
            }
        }
        return nil
    }

    /// Queues `message` at the end, within the limits.
    private mutating func append(_ message: OutboundMessage, configuration: SessionConfiguration) -> EnqueueResult {
        let size = message.bytes.count
        if let refusal = refusalIfFull(adding: size, configuration: configuration) { return refusal }
        outbound.append(message)
        queuedBytes += size
        guard !writing else { return .queued(startWriter: false) }
        writing = true
        return .queued(startWriter: true)
    }

    /// Hands the writer everything queued, or `nil` when there is nothing (left) to write; the writer
    /// task ends then, and the next ``enqueue(_:configuration:)`` starts another.
    ///
    /// `written`, the batch the writer has just written, emptied, becomes the next one's storage.
    mutating func takeBatch(recycling written: [OutboundMessage] = []) -> [OutboundMessage]? {
        recycle(written)
        writingCount = 0
        writingBytes = 0
        guard phase == .open, !outbound.isEmpty else {
            writing = false
            return nil
        }
        let batch = outbound
        outbound = spare
        spare = []
        writingCount = batch.count
        writingBytes = queuedBytes
        queuedBytes = 0
        return batch
    }

    /// The writer has written a batch and stops; `true` when it must hand what was queued meanwhile
    /// to a writer task (the writer role stays taken), `false` when nothing is left (it is released).
    mutating func handOffWriting(recycling written: [OutboundMessage] = []) -> Bool {
        recycle(written)
        writingCount = 0
        writingBytes = 0
        guard phase == .open, !outbound.isEmpty else {
            writing = false
            return false
        }
        return true
    }

    /// Keeps an emptied batch's storage for the next batch, if it is small and none is kept yet.
    private mutating func recycle(_ written: [OutboundMessage]) {
        guard spare.capacity == 0, written.isEmpty, written.capacity <= Self.spareCapacityLimit else { return }
        spare = written
    }

    /// The transport threw: the connection is gone. Later messages are refused as gone.
    mutating func writeFailed() {
        writing = false
        writingCount = 0
        writingBytes = 0
        if phase == .open { beginClose() }
    }

    // MARK: - History

    /// Holds published messages for `entity` from now until ``deliver(_:answer:replay:position:configuration:)``.
    mutating func holdPublished(_ entity: EntityID) {
        guard phase == .open else { return }
        cursors.startHolding(entity)
    }

    /// Queues the answer, the replay, then the held messages above `position`; later published
    /// messages at or below the latest offset queued are skipped.
    mutating func deliver(
        _ entity: EntityID, answer: OutboundMessage, replay: [OutboundMessage], position: HistoryPosition,
        configuration: SessionConfiguration
    ) -> EnqueueResult {
        guard phase == .open else { return .refused(.gone, close: false) }
        let held = uncount(cursors.stopHolding(entity, at: position))
        return enqueueAll(CollectionOfOne(answer) + replay, thenFiltered: held, configuration: configuration)
    }

    /// A subscribe failed: queues what was held as it came, and keeps no position it never learnt.
    mutating func releaseHeld(_ entity: EntityID, configuration: SessionConfiguration) -> EnqueueResult {
        guard phase == .open else { return .refused(.gone, close: false) }
        let held = uncount(cursors.stopHolding(entity, at: nil))
        return enqueueAll([], thenFiltered: held, configuration: configuration)
    }

    mutating func forget(_ entity: EntityID) {
        uncount(cursors.remove(entity))
    }

    /// Takes held messages out of the held counts.
    @discardableResult
    private mutating func uncount(_ held: [OutboundMessage]) -> [OutboundMessage] {
        heldCount -= held.count
        heldBytes -= held.reduce(0) { $0 + $1.bytes.count }
        return held
    }

    /// Queues `messages` as they are, then `filtered` through the cursors; the first refusal wins.
    private mutating func enqueueAll(
        _ messages: [OutboundMessage], thenFiltered filtered: [OutboundMessage], configuration: SessionConfiguration
    ) -> EnqueueResult {
        var startWriter = false
        for message in messages {
            switch append(message, configuration: configuration) {
            case .queued(let start): startWriter = startWriter || start
            case .refused(let reason, let close): return .refused(reason, close: close)
            }
        }
        for message in filtered {
            switch enqueue(message, configuration: configuration) {
            case .queued(let start): startWriter = startWriter || start
            case .refused(let reason, let close): return .refused(reason, close: close)
            }
        }
        return .queued(startWriter: startWriter)
    }

    // MARK: - Closing

    /// Stops taking messages and drops the queue; `true` if this call did it (the caller then closes
    /// the transport), `false` if the session was already closing or closed.
    @discardableResult
    mutating func beginClose() -> Bool {
        guard phase == .open else { return false }
        phase = .closing
        outbound = []
        queuedBytes = 0
        dropCursors()
        return true
    }

    /// The host saw the socket end; `true` when the caller must start a handler task to run
    /// `$disconnect` (none is running: it would do so itself after its last message).
    mutating func transportClosed() -> Bool {
        guard phase == .open || phase == .closing else { return false }
        phase = .transportClosed
        outbound = []
        queuedBytes = 0
        dropCursors()
        guard !handling else { return false }
        handling = true
        return true
    }

    private mutating func dropCursors() {
        cursors.removeAll()
        heldCount = 0
        heldBytes = 0
    }

    /// `$disconnect` has run; returns who waited for it.
    mutating func ended() -> [CheckedContinuation<Void, Never>] {
        phase = .ended
        defer { endWaiters = [] }
        return endWaiters
    }

    /// Registers a waiter for the end; `false` when the session has already ended.
    mutating func waitForEnd(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        guard phase != .ended else { return false }
        endWaiters.append(continuation)
        return true
    }

    // MARK: - Inbound

    /// Queues a received message for the handler task, in order.
    mutating func receive(_ message: Inbound, limit: Int) -> ReceiveResult {
        guard phase == .open else { return .ignored }
        guard queuedInboundCount < limit else {
            beginClose()
            return .overflow
        }
        inbound.append(message)
        guard !handling else { return .queued(startHandler: false) }
        handling = true
        return .queued(startHandler: true)
    }

    /// Claims the handler's role for a message the caller handles in its own task: `claimed` when the
    /// session is open, no handler runs and nothing waits, so that handling it at once keeps the
    /// order. The message counts in ``queuedInboundCount`` until ``finishInline(reply:configuration:)``.
    /// `activityDue` says whether activity is due to be written at `now` (and records that it is).
    /// With `idleWriterOnly`, a write in progress also refuses the claim: a caller that does not wait
    /// for its reply's write must not produce replies faster than they are written, so that under
    /// write pressure messages wait in the inbound queue, which the host can stop reading for.
    mutating func claimInline(
        now: Duration, activityInterval: Duration, idleWriterOnly: Bool = false
    ) -> (claimed: Bool, activityDue: Bool) {
        guard phase == .open, !handling, inbound.isEmpty, !(idleWriterOnly && writing) else { return (false, false) }
        handling = true
        handlingOne = true
        return (true, activityDue(now: now, interval: activityInterval))
    }

    /// What ``finishInline(reply:configuration:)`` decided.
    struct InlineFinish {
        /// Start a handler task for what arrived meanwhile (more messages, or `$disconnect`).
        var startHandler = false
        /// The reply took the writer role: the caller writes this batch, then calls ``handOffWriting()``.
        var batch: [OutboundMessage]? = nil
        /// The reply did not fit and the slow-consumer policy closes the connection with 1008.
        var close = false
    }

    /// The caller has handled the message it claimed with ``claimInline(now:activityInterval:)``:
    /// queues its reply and, when no write is in progress, hands the caller the batch to write;
    /// releases the handler's role unless more arrived meanwhile. One lock for all three.
    mutating func finishInline(reply: OutboundMessage?, configuration: SessionConfiguration) -> InlineFinish {
        var finish = InlineFinish()
        if let reply {
            switch enqueue(reply, configuration: configuration) {
            case .queued(let startWriter): if startWriter { finish.batch = takeBatch() }
            case .refused(_, let close): finish.close = close
            }
        }
        handlingOne = false
        if !inbound.isEmpty || (phase == .transportClosed && !disconnecting) {
            finish.startHandler = true
        } else {
            handling = false
        }
        return finish
    }

    /// The handler task's next step. A message stays counted in ``queuedInboundCount`` until the
    /// next call, so that a host pausing its reads sees it until its reply is queued.
    mutating func nextInbound() -> InboundStep {
        handlingOne = false
        if let message = inbound.popFirst() {
            handlingOne = true
            return .handle(message)
        }
        if phase == .transportClosed && !disconnecting {
            disconnecting = true
            return .disconnect
        }
        if !disconnecting { handling = false }
        return .idle
    }

    /// Whether activity is due to be written at `now` (and records that it is being written).
    mutating func activityDue(now: Duration, interval: Duration) -> Bool {
        guard now - lastActivityMark >= interval else { return false }
        lastActivityMark = now
        return true
    }
}
