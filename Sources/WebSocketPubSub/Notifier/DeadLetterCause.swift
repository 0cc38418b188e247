/// Why an event went to the dead-letter handler of ``Notifier/consume(_:maxConcurrentEvents:deadLetter:)``.
public enum DeadLetterCause: Sendable, CustomStringConvertible {
    /// Some recipients were given up; the report lists them. Recipients that accepted the message are
    /// not sent it again by a redelivery unless the handler chooses to.
    case undelivered(DeliveryReport)
    /// The publish could not start; nobody was sent the message.
    case publishFailed(PublishError)

    public var description: String {
        switch self {
        case .undelivered(let report):
            "\(report.failed) of \(report.recipients) recipients were given up"
        case .publishFailed(let error):
            error.description
        }
    }
}
