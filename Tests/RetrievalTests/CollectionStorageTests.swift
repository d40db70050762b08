import Foundation
import Retrieval
import Testing
import TestSupport

@Suite("Collection storage: string tables, the document store, recovery after a killed rename")
struct CollectionStorageTests {
    @Test func stringTablesRoundTripAndRefuseDamage() throws {
        let directory = try TestPaths.temporaryDirectory()
        let url = directory.appendingPathComponent("t.bin")
        let strings = ["", "a", "é ü", String(repeating: "x", count: 1000)]
        try StringTable.write(strings, to: url)
        let table = try StringTable(url: url, count: strings.count)
        #expect((0..<table.count).map { table[$0] } == strings)
        // A wrong count, a truncated file and an offset out of order are errors, not crashes.
        #expect(throws: StringTableError.self) { try StringTable(url: url, count: 5) }
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 1).write(to: url)
        #expect(throws: StringTableError.self) { try StringTable(url: url, count: strings.count) }
        var shuffled = data
        shuffled[8] = 0xff
        try shuffled.write(to: url)
        #expect(throws: StringTableError.self) { try StringTable(url: url, count: strings.count) }
    }

    @Test func theDocumentStoreFindsDocumentsByIDAndRefusesDuplicates() throws {
        let directory = try TestPaths.temporaryDirectory()
        let documents = [Document(id: "b", text: "second"), Document(id: "a", text: "first\nline")]
        try DocumentStore.write(documents, to: directory)
        let store = try DocumentStore(directory: directory, count: 2)
        #expect(store.documents == documents)
        #expect(store.document(id: "a") == documents[1] && store.document(id: "c") == nil)
        #expect(throws: CollectionError.duplicateDocumentID("a")) {
            try DocumentStore.write(documents + [Document(id: "a", text: "again")], to: directory)
        }
    }

    @Test func recoverPutsBackTheOldDirectoryOfAKilledRename() throws {
        let parent = try TestPaths.temporaryDirectory()
        let destination = parent.appendingPathComponent("c.idx")
        let dead = Int32.max  // no such process
        // Killed between moving the old directory aside and moving the new one in.
        let aside = parent.appendingPathComponent(".c.idx.old-\(dead)")
        try FileManager.default.createDirectory(at: aside, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: aside.appendingPathComponent("manifest.json"))
        let abandoned = parent.appendingPathComponent(".c.idx.partial-\(dead)-7")
        let mine = parent.appendingPathComponent(".c.idx.partial-\(ProcessInfo.processInfo.processIdentifier)-7")
        for url in [abandoned, mine] { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        AtomicDirectory.recover(destination)
        #expect(try String(contentsOf: destination.appendingPathComponent("manifest.json"), encoding: .utf8) == "old")
        let left = try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted()
        #expect(left == [mine.lastPathComponent, "c.idx"].sorted(), "\(left)")
        // With the destination in place, an aside copy is only garbage.
        try FileManager.default.createDirectory(at: aside, withIntermediateDirectories: true)
        AtomicDirectory.recover(destination)
        #expect(try String(contentsOf: destination.appendingPathComponent("manifest.json"), encoding: .utf8) == "old")
        #expect(!FileManager.default.fileExists(atPath: aside.path))
    }
}
