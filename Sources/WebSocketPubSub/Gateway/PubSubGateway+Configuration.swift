extension PubSubGateway {
    /// Limits the gateway applies to every connection.
    public struct Configuration: Hashable, Sendable {
        /// The default per-connection subscription limit.
        public static let defaultMaxSubscriptionsPerConnection = 128

        /// How many entities one connection may subscribe to at once.
        ///
        /// Why a limit: without one, a single client could grow the subscription index without bound.
        public var maxSubscriptionsPerConnection: Int

        /// Creates a configuration.
        public init(maxSubscriptionsPerConnection: Int = Configuration.defaultMaxSubscriptionsPerConnection) {
            self.maxSubscriptionsPerConnection = maxSubscriptionsPerConnection
        }
    }
}
