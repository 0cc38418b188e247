/// An event to publish, as `POST /events` receives it: `{"entityId":"E","message":M}`, or the same
/// inside an event-bus envelope `{"detail":{"entityId":"E","message":M}}`.
///
/// `message` keeps the raw bytes of `M` exactly as the publisher wrote them: the envelope that
/// subscribers receive embeds them unchanged.
public struct PublishRequest: Hashable, Sendable {
    /// The entity whose subscribers receive the message.
    public var entityId: EntityID
    /// The raw JSON of `M`, any JSON value.
    public var message: [UInt8]

    /// A request for `entityId` with the raw JSON `message`.
    public init(entityId: EntityID, message: [UInt8]) {
        self.entityId = entityId
        self.message = message
    }

    /// Reads a publish body, plain or inside a `detail` envelope.
    ///
    /// The library's scanner validates the whole body in one pass and returns the spans of the
    /// members asked for.
    ///
    /// - Throws: ``PublishRequestError`` saying what is wrong, in words for the `400` answer.
    public static func parse(_ body: some Collection<UInt8>) throws(PublishRequestError) -> PublishRequest {
        let scanner = JSONScanner()
        var event = Array(body)
        do {
            if try scanner.member("entityId", in: event) == nil, let detail = try scanner.member("detail", in: event) {
                guard detail.kind == .object else {
                    throw PublishRequestError("\"detail\" must be a JSON object {\"entityId\":…,\"message\":…}")
                }
                event = Array(event[detail.range])
            }
            guard let entity = try scanner.member("entityId", in: event) else {
                throw PublishRequestError("\"entityId\" is missing")
            }
            guard let entityText = entity.string else { throw PublishRequestError("\"entityId\" must be a string") }
            let entityId: EntityID
            do {
                entityId = try EntityID(validating: entityText)
            } catch {
                throw PublishRequestError(error.description)
            }
            guard let message = try scanner.member("message", in: event) else {
                throw PublishRequestError("\"message\" is missing")
            }
            return PublishRequest(entityId: entityId, message: Array(event[message.range]))
        } catch let error as PublishRequestError {
            throw error
        } catch {
            throw PublishRequestError("the body must be a JSON object {\"entityId\":…,\"message\":…}: \(error)")
        }
    }
}

/// Why a publish body was refused; the message is what the `400` answer says.
public struct PublishRequestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong with the body, in words a publisher can act on.
    public var message: String

    /// An error with `message`.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
