/// Values by route name: a short list compared in order while the router has few routes, with a
/// dictionary beside it beyond ``linearLimit``.
///
/// Every message looks its action up here. Hashing a name (SipHash, then a probe) costs more than
/// comparing it with a handful of others, which for short ASCII names is a comparison of two words,
/// and most routers hold a handful of routes. Names compare as `String`s, as a dictionary's keys do.
struct RouteTable<Value> {
    /// Up to this many names are looked up by comparing them in order.
    static var linearLimit: Int { 8 }

    private var names: [String] = []
    private var values: [Value] = []
    /// Each name's position, once there are more than ``linearLimit``; empty before.
    private var positions: [String: Int] = [:]

    /// The value registered under `name`.
    subscript(name: String) -> Value? {
        position(of: name).map { values[$0] }
    }

    /// The value at `position`, as ``position(of:)`` gave it.
    subscript(position: Int) -> Value {
        values[position]
    }

    /// Registers `value` under `name`, replacing an earlier one. Routes are only ever added or
    /// replaced: a router has no way to remove one.
    mutating func set(_ value: Value, for name: String) {
        if let position = position(of: name) {
            values[position] = value
            return
        }
        names.append(name)
        values.append(value)
        if names.count > Self.linearLimit {
            if positions.isEmpty {
                for (position, known) in names.enumerated() { positions[known] = position }
            } else {
                positions[name] = names.count - 1
            }
        }
    }

    /// Where `name` is registered; positions never change, since routes are only added or replaced.
    func position(of name: String) -> Int? {
        if !positions.isEmpty { return positions[name] }
        return names.firstIndex(of: name)
    }
}

extension RouteTable: Sendable where Value: Sendable {}
