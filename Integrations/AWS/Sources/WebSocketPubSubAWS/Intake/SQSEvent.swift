/// The event SQS hands a Lambda function: a batch of messages (`Records`).
public struct SQSEvent: Codable, Hashable, Sendable {
    /// The messages, oldest first.
    public var records: [Record]

    /// A batch of `records`.
    public init(records: [Record]) {
        self.records = records
    }

    enum CodingKeys: String, CodingKey {
        case records = "Records"
    }

    /// One SQS message.
    public struct Record: Codable, Hashable, Sendable {
        /// The message's id: what a partial batch response names to have it retried.
        public var messageId: String
        /// The receipt handle.
        public var receiptHandle: String?
        /// The message body: here an EventBridge event.
        public var body: String
        /// `aws:sqs`.
        public var eventSource: String?
        /// The queue's ARN.
        public var eventSourceARN: String?
        /// The region.
        public var awsRegion: String?
        /// SQS's attributes of the message (`ApproximateReceiveCount`, …).
        public var attributes: [String: String]?

        /// A record with an id and a body.
        public init(messageId: String, body: String) {
            self.messageId = messageId
            self.body = body
        }
    }
}

/// The partial batch response (`ReportBatchItemFailures`): the records SQS must deliver again; the
/// others are deleted from the queue.
public struct SQSBatchResponse: Codable, Hashable, Sendable {
    /// One record to retry.
    public struct ItemFailure: Codable, Hashable, Sendable {
        /// The record's `messageId`.
        public var itemIdentifier: String

        /// A failure naming `itemIdentifier`.
        public init(itemIdentifier: String) {
            self.itemIdentifier = itemIdentifier
        }
    }

    /// The records to retry; empty when the whole batch is done.
    public var batchItemFailures: [ItemFailure]

    /// A response naming `batchItemFailures`.
    public init(batchItemFailures: [ItemFailure]) {
        self.batchItemFailures = batchItemFailures
    }
}
