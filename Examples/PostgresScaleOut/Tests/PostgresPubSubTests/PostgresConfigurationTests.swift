import Testing

@testable import PostgresPubSub

@Suite("Database URL, schema name and node identity")
struct PostgresConfigurationTests {
    @Test func readsAFullURL() throws {
        let url = try PostgresURL("postgres://pub%40sub:s%3Acret@db.example:6543/pubsub?sslmode=require")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.username == "pub@sub")
        #expect(url.password == "s:cret")
        #expect(url.database == "pubsub")
        #expect(url.tlsMode == .require)
    }

    @Test func defaultsThePortAndTLS() throws {
        let url = try PostgresURL("postgresql://postgres@127.0.0.1/pubsub")
        #expect(url.port == 5432)
        #expect(url.password == nil)
        #expect(url.tlsMode == .disable)
    }

    @Test(arguments: [
        "http://u@h/db",
        "postgres://h/db",
        "postgres://u@/db",
        "postgres://u@h",
        "postgres://u@h/",
        "postgres://u@h/a/b",
        "postgres://u@h/db?sslmode=verify-full",
        "postgres://u@h/db?application_name=x",
        "postgres://u@h:0/db",
    ])
    func refusesWhatItCannotHonour(text: String) {
        #expect(throws: PostgresPubSubError.self) { try PostgresURL(text) }
    }

    @Test(arguments: ["public", "pubsub_2", "_x"])
    func acceptsPlainSchemaNames(name: String) throws {
        #expect(try PostgresSchema(name: name).name == name)
    }

    @Test(arguments: ["", "Public", "2x", "a-b", "a;drop", "a b", String(repeating: "s", count: 31)])
    func refusesSchemaNamesThatAreNotPlainIdentifiers(name: String) {
        #expect(throws: PostgresPubSubError.invalidSchemaName(name)) { try PostgresSchema(name: name) }
    }

    @Test(arguments: ["", "nul\u{0}", String(repeating: "n", count: 201)])
    func refusesNodeIDsPostgreSQLCannotKeep(nodeID: String) {
        #expect(throws: PostgresPubSubError.self) { try NodeIdentity(nodeID: nodeID) }
    }
}
