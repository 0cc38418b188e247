public import WebSocketPubSub

/// The shared ``PostgresSubscriptionStore`` as one node's notifier must see it: the subscribers of an
/// entity are only those whose connections this node holds.
///
/// Every node receives every published event; each delivers to its own connections. Without this
/// view a node would find the other nodes' connections absent from its sessions, report them
/// `gone`, and delete them from the shared stores. Every other operation is the shared store's.
public struct NodeLocalSubscriptionStore: SubscriptionStore {
    /// The store all nodes share.
    public let shared: PostgresSubscriptionStore
    /// The run whose connections this view lists.
    public let node: NodeIdentity

    /// The view of `shared` for `node`.
    public init(shared: PostgresSubscriptionStore, node: NodeIdentity) {
        self.shared = shared
        self.node = node
    }

    public func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) async throws -> SubscribeOutcome
    {
        try await shared.subscribe(connection, to: entity, limit: limit)
    }

    @discardableResult
    public func unsubscribe(_ connection: ConnectionID, from entity: EntityID) async throws -> Bool {
        try await shared.unsubscribe(connection, from: entity)
    }

    @discardableResult
    public func removeAll(for connection: ConnectionID) async throws -> Int {
        try await shared.removeAll(for: connection)
    }

    /// Only the subscribers whose connections this node holds.
    public func subscribers(of entity: EntityID) async throws -> [ConnectionID] {
        try await shared.subscribers(of: entity, heldBy: node)
    }

    public func subscriptions(of connection: ConnectionID) async throws -> [EntityID] {
        try await shared.subscriptions(of: connection)
    }

    public func count() async throws -> Int {
        try await shared.count()
    }
}
