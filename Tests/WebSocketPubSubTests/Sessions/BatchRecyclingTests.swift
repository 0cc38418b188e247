import Testing

@testable import WebSocketPubSub

/// A session reuses the storage of the batch it has just written for the next one; the reused
/// storage must carry the next messages and nothing of the last, and the limits must still count.
@Suite("Sessions: a written batch's storage carries the next batch")
struct BatchRecyclingTests {
    private let configuration = SessionConfiguration(maxQueuedMessages: 3)

    private func texts(_ batch: [OutboundMessage]?) -> [String] {
        (batch ?? []).map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    @Test func theNextBatchHoldsOnlyWhatWasQueuedSince() {
        var state = SessionState(openedAt: .zero)
        guard case .queued(startWriter: true) = state.enqueue(OutboundMessage(text: "a"), configuration: configuration)
        else {
            Issue.record("the first message did not start a writer")
            return
        }
        var written = state.takeBatch() ?? []
        #expect(texts(written) == ["a"])
        _ = state.enqueue(OutboundMessage(text: "b"), configuration: configuration)
        _ = state.enqueue(OutboundMessage(text: "c"), configuration: configuration)
        written.removeAll(keepingCapacity: true)
        let next = state.takeBatch(recycling: written)
        #expect(texts(next) == ["b", "c"])
        // Nothing is left, so the writer stops.
        let none = state.takeBatch(recycling: [])
        #expect(none == nil)
        #expect(state.queuedOutboundCount == 0)
    }

    @Test func aHandedBackBatchKeepsTheWriterWhenMoreWasQueued() {
        var state = SessionState(openedAt: .zero)
        _ = state.enqueue(OutboundMessage(text: "a"), configuration: configuration)
        var written = state.takeBatch() ?? []
        _ = state.enqueue(OutboundMessage(text: "b"), configuration: configuration)
        written.removeAll(keepingCapacity: true)
        let keepsWriting = state.handOffWriting(recycling: written)
        #expect(keepsWriting)
        #expect(texts(state.takeBatch()) == ["b"])
        let stillWriting = state.handOffWriting(recycling: [])
        #expect(!stillWriting)
    }

    @Test func theLimitsStillCountAcrossRecycledBatches() {
        let dropping = SessionConfiguration(maxQueuedMessages: 3, slowConsumerPolicy: .dropNewest)
        var state = SessionState(openedAt: .zero)
        for text in ["a", "b", "c"] {
            _ = state.enqueue(OutboundMessage(text: text), configuration: dropping)
        }
        var written = state.takeBatch() ?? []
        // The three taken count until the writer is done with them: a fourth does not fit.
        guard case .refused = state.enqueue(OutboundMessage(text: "d"), configuration: dropping) else {
            Issue.record("a fourth message fitted while three were being written")
            return
        }
        written.removeAll(keepingCapacity: true)
        _ = state.handOffWriting(recycling: written)
        // Handed back, they no longer count, and the recycled storage takes the next message alone.
        guard case .queued(startWriter: true) = state.enqueue(OutboundMessage(text: "e"), configuration: dropping)
        else {
            Issue.record("the session did not take a message once its writer was done")
            return
        }
        #expect(texts(state.takeBatch()) == ["e"])
    }
}
