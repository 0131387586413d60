/// The order steps run in: every step after the steps it needs, ties kept in file order, so the same
/// file always renders the same checklist.
struct FormulaOrdering {
    let steps: [Located<FormulaStep>]

    init(steps: [Located<FormulaStep>]) { self.steps = steps }

    private var ids: Set<String> { Set(steps.map(\.value.id)) }

    /// Each `needs` entry that names no step, with the step that names it.
    func unknownNeeds() -> [(Located<FormulaStep>, String)] {
        let known = ids
        return steps.flatMap { step in step.value.needs.filter { !known.contains($0) }.map { (step, $0) } }
    }

    /// The steps in a cycle, in dependency order starting from the earliest step in the file, or nil.
    func cycle() -> [String]? {
        let byID = Dictionary(steps.map { ($0.value.id, $0.value) }, uniquingKeysWith: { first, _ in first })
        var finished: Set<String> = []
        for start in steps.map(\.value.id) where !finished.contains(start) {
            var path: [String] = []
            if let found = visit(start, byID, &path, &finished) { return found }
        }
        return nil
    }

    private func visit(_ id: String, _ byID: [String: FormulaStep], _ path: inout [String], _ finished: inout Set<String>) -> [String]? {
        if let index = path.firstIndex(of: id) { return Array(path[index...]) }
        if finished.contains(id) { return nil }
        path.append(id)
        for need in byID[id]?.needs ?? [] {
            if let found = visit(need, byID, &path, &finished) { return found }
        }
        path.removeLast()
        finished.insert(id)
        return nil
    }

    /// A stable topological order: repeatedly take the first step in file order whose needs are done.
    /// Call only on steps without unknown needs or cycles; anything left over is appended in file order.
    func ordered() -> [FormulaStep] {
        var done: Set<String> = []
        var remaining = steps.map(\.value)
        var result: [FormulaStep] = []
        while let next = remaining.firstIndex(where: { $0.needs.allSatisfy(done.contains) }) {
            let step = remaining.remove(at: next)
            done.insert(step.id)
            result.append(step)
        }
        return result + remaining
    }
}
