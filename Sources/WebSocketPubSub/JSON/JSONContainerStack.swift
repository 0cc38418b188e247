/// The open arrays and objects of a document being scanned, one bit each (1 = object).
///
/// This explicit stack is what lets the scanner validate any nesting without recursion: a hostile
/// document of 100,000 `[` costs a bounded scan and a typed error, never a stack overflow. The first
/// 64 levels live in one word, so ordinary messages allocate nothing; deeper levels spill into an
/// array that the scanner's depth limit keeps small.
struct JSONContainerStack {
    private(set) var depth = 0
    private var inline: UInt64 = 0
    private var spilled: [UInt64] = []

    /// Whether the innermost open container is an object; `false` for an array or when none is open.
    private(set) var topIsObject = false

    mutating func push(isObject: Bool) {
        let index = depth
        depth += 1
        topIsObject = isObject
        if index < 64 {
            let bit: UInt64 = 1 << UInt64(index)
            inline = isObject ? inline | bit : inline & ~bit
            return
        }
        let word = (index - 64) >> 6
        let bit: UInt64 = 1 << UInt64((index - 64) & 63)
        if word == spilled.count { spilled.append(0) }
        spilled[word] = isObject ? spilled[word] | bit : spilled[word] & ~bit
    }

    /// Closes the innermost container; the caller has checked that one is open.
    mutating func pop() {
        depth -= 1
        guard depth > 0 else {
            topIsObject = false
            return
        }
        let index = depth - 1
        if index < 64 {
            topIsObject = inline & (1 << UInt64(index)) != 0
        } else {
            topIsObject = spilled[(index - 64) >> 6] & (1 << UInt64((index - 64) & 63)) != 0
        }
    }
}
