import Synchronization
import WebSocketPubSub

/// How many upgrades each hub's `$connect` accepted whose session is not open yet.
///
/// Hummingbird closes WebSockets with 1000 when its graceful shutdown reaches them, even one whose
/// handler has not started. ``PubSubShutdownService`` waits for these upgrades (a moment, bounded)
/// so that the hub, already shutting down, closes them with 1001 as it opens them.
enum OpeningUpgrades {
    private static let counts = Mutex<[ObjectIdentifier: Int]>([:])

    static func begin(_ hub: SessionHub) {
        counts.withLock { $0[ObjectIdentifier(hub), default: 0] += 1 }
    }

    static func end(_ hub: SessionHub) {
        counts.withLock { counts in
            let key = ObjectIdentifier(hub)
            let remaining = (counts[key] ?? 1) - 1
            counts[key] = remaining > 0 ? remaining : nil
        }
    }

    static func count(_ hub: SessionHub) -> Int {
        counts.withLock { $0[ObjectIdentifier(hub)] ?? 0 }
    }
}
