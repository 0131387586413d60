import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayMemory
import GatewayTestSupport

@Suite struct MemorySearchTests {
    func write(_ text: String, _ relative: String, in fixture: TestTown) throws {
        try FileSystem.writeAtomically(text, to: fixture.town.mayorDirectory.appendingPathComponent(relative))
    }

    func store(_ fixture: TestTown) throws -> MemoryStore {
        MemoryStore(environment: fixture.environment, town: fixture.town, config: GatewayConfig())
    }

    @Test func ranksByBM25WithFileLineAndSnippet() async throws {
        let fixture = try await TestTown()
        try write("# 2026-03-01\n\n- 09:00 tmux tmux: the tmux socket moved\n", "memory/2026-03-01.md", in: fixture)
        try write("# 2026-03-02\n\n- 09:00 A long note about many things: deploys, reviews, the garden, the weather,"
                  + " the train timetable, and in passing tmux, then lunch plans and more words here.\n", "memory/2026-03-02.md", in: fixture)
        let hits = try await store(fixture).search("tmux")
        #expect(hits.map(\.file) == ["memory/2026-03-01.md", "memory/2026-03-02.md"])
        #expect(hits[0].line == 3)
        #expect(hits[0].snippet.contains("[tmux]"))
        #expect(hits[0].score > hits[1].score)
        #expect(try await store(fixture).search("tmux", limit: 1).count == 1)
        #expect(try await store(fixture).search("nonexistentword").isEmpty)
    }

    @Test func chineseQueriesOfOneTwoAndFourCharactersFindTheirText() async throws {
        let fixture = try await TestTown()
        try write("# 2026-03-03\n\n- 08:00 今天的科技新闻很多\n- 09:00 人工智能突破了新的记录\n", "memory/2026-03-03.md", in: fixture)
        try write("# 2026-03-04\n\n- 08:00 天气很好，去公园散步\n- 09:00 Swift 6 concurrency notes\n", "memory/2026-03-04.md", in: fixture)
        let memory = try store(fixture)
        let one = try await memory.search("闻")
        #expect(one.map(\.line) == [3])
        let two = try await memory.search("新闻")
        #expect(two.count == 1 && two[0].file == "memory/2026-03-03.md" && two[0].snippet.contains("[新闻]"))
        #expect(try await memory.search("科技").map(\.line) == [3])
        let four = try await memory.search("人工智能")
        #expect(four.map(\.line) == [4])
        #expect(try await memory.search("公园").map(\.file) == ["memory/2026-03-04.md"])
        // Characters that appear, but not next to each other, are no match for a two-character word.
        #expect(try await memory.search("新科").isEmpty)
        #expect(try await memory.search("智能新闻").isEmpty, "the phrase must be contiguous")
        // Mixed queries need every term.
        #expect(try await memory.search("Swift 公园").map(\.line) == [])
        #expect(try await memory.search("swift concurrency").map(\.line) == [4])
    }

    @Test func theIndexFollowsFilesEditedOutsideGateway() async throws {
        let fixture = try await TestTown()
        let memory = try store(fixture)
        let index = try MemoryIndex.open(town: fixture.town)
        try write("# 2026-03-05\n\n- 10:00 first note\n", "memory/2026-03-05.md", in: fixture)
        try write("# 2026-03-06\n\n- 10:00 another day\n", "memory/2026-03-06.md", in: fixture)
        #expect(try await memory.search("zebra").isEmpty)
        // The Mayor edits a daily log with its own tools.
        try write("# 2026-03-05\n\n- 10:00 first note\n- 11:00 saw a zebra\n", "memory/2026-03-05.md", in: fixture)
        #expect(try await memory.search("zebra").map(\.file) == ["memory/2026-03-05.md"])
        // Nothing changed since: a refresh rereads no file once it is older than the last indexing.
        try await shell("touch -d '2 minutes ago' memory/2026-03-05.md memory/2026-03-06.md MEMORY.md", in: fixture.town.mayorDirectory)
        // A touched file is reread and found unchanged (same content hash): nothing is reindexed.
        #expect(try index.refresh(root: fixture.town.mayorDirectory).changed == 0)
        #expect(try index.refresh(root: fixture.town.mayorDirectory).changed == 0)
        try FileManager.default.removeItem(at: fixture.town.mayorDirectory.appendingPathComponent("memory/2026-03-05.md"))
        #expect(try await memory.search("zebra").isEmpty)
        let stats = try memory.reindex()
        #expect(stats.files == 2) // MEMORY.md and the one daily log left
    }

    /// Files older than the clock's resolution, so the index records their fingerprint and a search
    /// that finds it unchanged reads no row.
    func settle(_ fixture: TestTown) async throws {
        _ = try await shell("find MEMORY.md memory -name '*.md' -exec touch -d '2 minutes ago' {} +", in: fixture.town.mayorDirectory)
    }

    func recordedFingerprint(_ fixture: TestTown) throws -> Int64? {
        try MemoryIndex.open(town: fixture.town).database.read { db in try Int64.fetchOne(db, sql: "SELECT fingerprint FROM scan") }
    }

    @Test func aSearchSeesEditsInPlaceAndCommitsMadeWithPlainGit() async throws {
        let fixture = try await TestTown()
        let memory = try store(fixture)
        let mayor = fixture.town.mayorDirectory
        try write("# 2026-03-07\n\n- 10:00 first note\n", "memory/2026-03-07.md", in: fixture)
        try await settle(fixture)
        #expect(try await memory.search("giraffe").isEmpty)
        #expect(try recordedFingerprint(fixture) != nil)
        #expect(try MemoryIndex.open(town: fixture.town).catchUp(root: mayor) == 0)
        // The Mayor appends in place (the folder does not change) and commits with plain git.
        _ = try await shell("printf -- '- 11:00 saw a giraffe\\n' >> memory/2026-03-07.md && git add -A && git -c user.name=M -c user.email=m@example.com commit -qm note",
                            in: mayor)
        #expect(try await memory.search("giraffe").map(\.file) == ["memory/2026-03-07.md"])
        try await settle(fixture)
        #expect(try await memory.search("giraffe").count == 1)
        #expect(try recordedFingerprint(fixture) != nil)
        // Plain git takes the hook back to the commit before, which had no such file.
        _ = try await shell("git reset -q --hard HEAD~1", in: mayor)
        #expect(try await memory.search("giraffe").isEmpty)
        // And a new file from another branch, committed there and merged in by plain git.
        _ = try await shell("""
            git checkout -q -b side && printf -- '# 2026-03-08\\n\\n- 09:00 an okapi\\n' > memory/2026-03-08.md && git add -A \
            && git -c user.name=M -c user.email=m@example.com commit -qm side && git checkout -q hooks/mayor \
            && git -c user.name=M -c user.email=m@example.com merge -q --no-edit side
            """, in: mayor)
        #expect(try await memory.search("okapi").map(\.file) == ["memory/2026-03-08.md"])
    }

    @Test func aWriteThroughGatewayIsFoundByTheNextSearch() async throws {
        let fixture = try await TestTown()
        let memory = try store(fixture)
        try write("# 2026-03-09\n\n- 10:00 first note\n", "memory/2026-03-09.md", in: fixture)
        try await settle(fixture)
        #expect(try await memory.search("platypus").isEmpty)
        #expect(try recordedFingerprint(fixture) != nil)
        _ = try await memory.append("saw a platypus", day: "2026-03-09")
        #expect(try await memory.search("platypus").map(\.file) == ["memory/2026-03-09.md"])
        // Even when the index was not told (its refresh after the append failed, say).
        try await settle(fixture)
        #expect(try await memory.search("platypus").count == 1)
        try FileSystem.writeAtomically("# 2026-03-09\n\n- 10:00 a wombat instead\n", to: fixture.town.mayorDirectory.appendingPathComponent("memory/2026-03-09.md"))
        #expect(try await memory.search("platypus").isEmpty)
        #expect(try await memory.search("wombat").count == 1)
    }

    /// A search checks the files beside its query and answers from the index only when the files are
    /// those the index recorded: every kind of change since is caught up before it answers — an edit
    /// in place that keeps the size (the folder's time does not move), a new file, a deleted one, a
    /// renamed one (its time and size unchanged) and one moved into another folder.
    @Test func aSearchBesideItsFreshnessCheckSeesEveryChange() async throws {
        let fixture = try await TestTown()
        let memory = try store(fixture)
        let mayor = fixture.town.mayorDirectory
        try write("# 2026-03-10\n\n- 10:00 an alpaca grazed\n", "memory/2026-03-10.md", in: fixture)
        try write("# 2026-03-11\n\n- 10:00 a marmot whistled\n", "memory/2026-03-11.md", in: fixture)
        try write("# 2026-03-12\n\n- 10:00 a heron fished\n", "memory/2026-03-12.md", in: fixture)
        func settled() async throws {
            try await settle(fixture)
            _ = try await memory.search("anything")
            #expect(try recordedFingerprint(fixture) != nil, "the index recorded the settled files")
        }

        // In place, the same size: only the file's own time moves.
        try await settled()
        let edited = mayor.appendingPathComponent("memory/2026-03-10.md")
        let size = try FileManager.default.attributesOfItem(atPath: edited.path)[.size] as? Int
        let folderTime = try FileManager.default.attributesOfItem(atPath: edited.deletingLastPathComponent().path)[.modificationDate] as? Date
        let handle = try FileHandle(forUpdating: edited)
        let text = try String(contentsOf: edited, encoding: .utf8)
        try handle.seek(toOffset: UInt64(text.utf8.count - "alpaca grazed\n".utf8.count))
        try handle.write(contentsOf: Data("walrus".utf8))
        try handle.close()
        #expect(try FileManager.default.attributesOfItem(atPath: edited.path)[.size] as? Int == size)
        #expect(try FileManager.default.attributesOfItem(atPath: edited.deletingLastPathComponent().path)[.modificationDate] as? Date == folderTime)
        #expect(try await memory.search("walrus").map(\.file) == ["memory/2026-03-10.md"])
        #expect(try await memory.search("alpaca").isEmpty)

        // A new file.
        try await settled()
        try write("# 2026-03-13\n\n- 10:00 an okapi hid\n", "memory/2026-03-13.md", in: fixture)
        #expect(try await memory.search("okapi").map(\.file) == ["memory/2026-03-13.md"])

        // A deleted file.
        try await settled()
        try FileManager.default.removeItem(at: mayor.appendingPathComponent("memory/2026-03-11.md"))
        #expect(try await memory.search("marmot").isEmpty)

        // A renamed file keeps its time and size.
        try await settled()
        try FileManager.default.moveItem(at: mayor.appendingPathComponent("memory/2026-03-12.md"), to: mayor.appendingPathComponent("memory/2026-03-14.md"))
        #expect(try await memory.search("heron").map(\.file) == ["memory/2026-03-14.md"])

        // Moved into a month's folder, as the archive does.
        try await settled()
        try FileManager.default.createDirectory(at: mayor.appendingPathComponent("memory/2026-03"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: mayor.appendingPathComponent("memory/2026-03-14.md"), to: mayor.appendingPathComponent("memory/2026-03/2026-03-14.md"))
        #expect(try await memory.search("heron").map(\.file) == ["memory/2026-03/2026-03-14.md"])
    }

    /// Unchanged files: the search answers from the index without catching it up (no row of `files`
    /// is rewritten), on the fingerprint read in the query's own transaction.
    @Test func anUnchangedMemoryIsAnsweredWithoutCatchingUp() async throws {
        let fixture = try await TestTown()
        let memory = try store(fixture)
        try write("# 2026-03-15\n\n- 10:00 a lynx slept\n", "memory/2026-03-15.md", in: fixture)
        try await settle(fixture)
        #expect(try await memory.search("lynx").count == 1)
        let index = try MemoryIndex.open(town: fixture.town)
        let indexedAt = try await index.database.read { db in try Double.fetchAll(db, sql: "SELECT indexed_at FROM files ORDER BY path") }
        let read = try #require(MemoryIndexQuery.run(file: fixture.town.memoryIndexFile, expression: "words : \"lynx\"", limit: 10))
        #expect(read.rows.count == 1 && read.fingerprint == Int64(bitPattern: MemoryScan.fingerprint(root: fixture.town.mayorDirectory)))
        #expect(try await memory.search("lynx").count == 1)
        #expect(try await index.database.read { db in try Double.fetchAll(db, sql: "SELECT indexed_at FROM files ORDER BY path") } == indexedAt)
    }

    /// The plain-SQLite read answers only for an index it knows: a missing index, or one whose schema
    /// lacks a migration, is left to `MemoryIndex` (which makes or migrates it), and the search still
    /// answers.
    @Test func anIndexThePlainReadDoesNotKnowIsLeftToTheUsualPath() async throws {
        let fixture = try await TestTown()
        let memory = try store(fixture)
        let file = fixture.town.memoryIndexFile
        try write("# 2026-03-16\n\n- 10:00 an ibis waded\n", "memory/2026-03-16.md", in: fixture)
        try? FileManager.default.removeItem(at: file)
        #expect(MemoryIndexQuery.run(file: file, expression: "words : \"ibis\"", limit: 10) == nil)
        #expect(!FileManager.default.fileExists(atPath: file.path), "the plain read creates nothing")
        #expect(try await memory.search("ibis").count == 1)
        #expect(MemoryIndexQuery.run(file: file, expression: "words : \"ibis\"", limit: 10)?.rows.count == 1)
        try await MemoryIndex.open(town: fixture.town).database.write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v2-scan-fingerprint'; DROP TABLE scan")
        }
        #expect(MemoryIndexQuery.run(file: file, expression: "words : \"ibis\"", limit: 10) == nil)
        #expect(try await memory.search("ibis").count == 1)
    }

    @Test func anEmptyQueryIsAUsageError() async throws {
        let fixture = try await TestTown()
        await #expect { try await store(fixture).search("  ?! ") } throws: { error in (error as? GatewayError)?.exit == .usage }
    }

    @Test func splitsCJKIntoBigramsAndUnigrams() {
        let columns = MemoryText.columns(for: "Read 科技新闻 today, 好")
        #expect(columns.bigrams == "科技 技新 新闻")
        #expect(columns.unigrams == "科 技 新 闻 好")
        #expect(!columns.words.contains("科"))
        #expect(MemoryText.matchExpression("科技新闻") == "bigrams : \"科技 技新 新闻\"")
        #expect(MemoryText.matchExpression("好") == "unigrams : \"好\"")
        #expect(MemoryText.matchExpression("tmux \"x") == "words : \"tmux\" AND words : \"x\"")
    }
}
