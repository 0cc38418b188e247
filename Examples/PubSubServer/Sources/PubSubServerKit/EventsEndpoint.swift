import WebSocketPubSub

/// `POST /events`: `{"entityId":"E","message":M}`, or the same inside an event envelope
/// `{"detail":{…}}` as an event bus delivers it, fans `{"entityId":"E","message":M}` out to every
/// subscriber of E.
enum EventsEndpoint {
    static func respond(to body: [UInt8], app: ServerApp) async -> HTTPResponse {
        let event: (entityId: EntityID, message: [UInt8])
        do {
            event = try parse(body)
        } catch {
            return .error(400, "Bad Request", error.message)
        }
        let report: PublishSummary
        do {
            report = try await app.publisher.publish(entityId: event.entityId, message: event.message)
        } catch {
            return .error(503, "Service Unavailable", "the event could not be published: \(error)")
        }
        Log.info(
            "publish \(event.entityId.rawValue.utf8.count)-byte entityId: recipients=\(report.recipients) "
                + "delivered=\(report.delivered) gone=\(report.gone) failed=\(report.failed)"
        )
        return .json(
            200,
            "OK",
            "{\"entityId\":\(JSONEscaping.quoted(event.entityId.rawValue)),\"recipients\":\(report.recipients),"
                + "\"delivered\":\(report.delivered),\"gone\":\(report.gone),\"failed\":\(report.failed)"
                + report.extra.map { ",\(JSONEscaping.quoted($0.name)):\($0.value)" }.joined() + "}"
        )
    }

    struct BadEvent: Error {
        var message: String
    }

    /// Extracts the entity and the raw bytes of the message, which are passed on unchanged.
    ///
    /// The library's scanner validates the whole body in one pass and returns the spans of the
    /// members asked for, so `M` reaches subscribers byte for byte as the publisher wrote it.
    static func parse(_ body: [UInt8]) throws(BadEvent) -> (entityId: EntityID, message: [UInt8]) {
        let scanner = JSONScanner()
        do {
            var event = body
            if try scanner.member("entityId", in: event) == nil, let detail = try scanner.member("detail", in: event) {
                guard detail.kind == .object else {
                    throw BadEvent(message: "\"detail\" must be a JSON object {\"entityId\":…,\"message\":…}")
                }
                event = Array(event[detail.range])
            }
            guard let entity = try scanner.member("entityId", in: event) else {
                throw BadEvent(message: "\"entityId\" is missing")
            }
            guard let entityText = entity.string else { throw BadEvent(message: "\"entityId\" must be a string") }
            let entityId: EntityID
            do {
                entityId = try EntityID(validating: entityText)
            } catch {
                throw BadEvent(message: error.description)
            }
            guard let message = try scanner.member("message", in: event) else {
                throw BadEvent(message: "\"message\" is missing")
            }
            return (entityId, Array(event[message.range]))
        } catch let error as BadEvent {
            throw error
        } catch {
            throw BadEvent(message: "the body must be a JSON object {\"entityId\":…,\"message\":…}: \(error)")
        }
    }
}
