/// A first-in, first-out queue over one array: O(1) amortized push and pop, with the dead prefix
/// dropped once it is half the array: the history table's queues and a session's inbound messages.
struct FIFOQueue<Element: Sendable>: Sendable {
    private var storage: [Element] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }
    var first: Element? { isEmpty ? nil : storage[head] }

    mutating func append(_ element: Element) {
        storage.append(element)
    }

    @discardableResult
    mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.count <= 64)
            head = 0
        } else if head >= 32 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    /// The elements from the `index`-th (0 being the first) to the end.
    func suffix(from index: Int) -> ArraySlice<Element> {
        storage[(head + index)...]
    }

    /// Keeps only the elements `isIncluded` accepts, in order.
    mutating func retain(where isIncluded: (Element) -> Bool) {
        storage = storage[head...].filter(isIncluded)
        head = 0
    }
}
