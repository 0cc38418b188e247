/// Decides from a request's `Origin` header whether a WebSocket handshake may proceed (RFC 6455 §10.2).
///
/// Browsers always send `Origin`, so checking it stops other web sites from opening connections with a
/// user's cookies. Non-browser clients usually send none, so a missing origin is allowed unless the
/// policy says otherwise. A refused origin is answered with 403.
///
/// ```swift
/// let policy = WSOriginPolicy.allowList(["https://app.example.com"])
/// policy.allows("https://evil.example")  // false
/// policy.allows(nil)                     // true: not a browser
/// ```
public struct WSOriginPolicy: Sendable {
    private let decide: @Sendable (_ origin: String?) -> Bool

    /// Creates a policy from a closure that receives the `Origin` value (`nil` when absent) and returns
    /// whether to allow it.
    public init(_ decide: @escaping @Sendable (_ origin: String?) -> Bool) {
        self.decide = decide
    }

    /// Whether a request with this `Origin` value (`nil` when absent) may proceed.
    public func allows(_ origin: String?) -> Bool {
        decide(origin)
    }

    /// Allows every origin and requests without one.
    public static let allowAll = WSOriginPolicy { _ in true }

    /// Allows the listed origins (compared ASCII case-insensitively, as origins are case-insensitive in
    /// scheme and host) and, unless `allowsMissingOrigin` is `false`, requests without an origin.
    public static func allowList(
        _ origins: some Sequence<String>,
        allowsMissingOrigin: Bool = true
    ) -> WSOriginPolicy {
        let allowed = Set(origins.map { String(decoding: $0.utf8.map(HTTPSyntax.lowercased), as: UTF8.self) })
        return WSOriginPolicy { origin in
            guard let origin else { return allowsMissingOrigin }
            return allowed.contains(String(decoding: origin.utf8.map(HTTPSyntax.lowercased), as: UTF8.self))
        }
    }
}
