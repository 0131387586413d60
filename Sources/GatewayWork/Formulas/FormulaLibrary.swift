import Foundation
import GatewayCore

/// The formulas a town can use: `<town>/formulas/NAME.toml`, then the built-ins. A town file
/// overrides a built-in of the same name.
public struct FormulaLibrary: Sendable {
    /// The folder of the town's own formulas.
    public let directory: URL

    public init(town: Town) {
        directory = town.formulasDirectory
    }

    /// One line of `gw formula list`. A town file that does not parse is still listed, with its problem.
    public struct Listing: Sendable, Equatable, Codable {
        public var name: String
        public var source: FormulaSource
        public var description: String
        /// Set when the file does not parse: the first problem, with its file and line.
        public var problem: String?
        /// True when this town file replaces a built-in of the same name.
        public var overridesBuiltIn: Bool
    }

    /// Loads and checks a formula by name.
    public func load(_ name: String) throws -> Formula {
        guard Self.isValidName(name) else {
            throw GatewayError.usage("\"\(name)\" is not a formula name: use letters, digits, ., _ or -, like daily-news")
        }
        let file = directory.appendingPathComponent("\(name).toml")
        if FileSystem.exists(file) {
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw GatewayError("formulas/\(name).toml cannot be read (\(error.localizedDescription))", exit: .config)
            }
            return try parse(text, file: "formulas/\(name).toml", name: name, source: .town)
        }
        if let text = BuiltInFormulas.all[name] {
            return try parse(text, file: "built-in/\(name).toml", name: name, source: .builtIn)
        }
        let names = try names().joined(separator: ", ")
        throw GatewayError("no formula named \"\(name)\" (known: \(names)): add formulas/\(name).toml to the town or see `gw formula list`")
    }

    /// Every formula, town files first in name order, then the built-ins they do not override.
    public func list() throws -> [Listing] {
        let townNames = try townFormulaNames()
        var listings: [Listing] = []
        for name in townNames {
            do {
                let formula = try load(name)
                listings.append(Listing(name: name, source: .town, description: formula.description, problem: nil,
                                        overridesBuiltIn: BuiltInFormulas.all[name] != nil))
            } catch let error as GatewayError {
                listings.append(Listing(name: name, source: .town, description: "", problem: error.message.components(separatedBy: "\n")[0],
                                        overridesBuiltIn: BuiltInFormulas.all[name] != nil))
            }
        }
        for name in BuiltInFormulas.all.keys.sorted() where !townNames.contains(name) {
            let formula = try load(name)
            listings.append(Listing(name: name, source: .builtIn, description: formula.description, problem: nil, overridesBuiltIn: false))
        }
        return listings
    }

    private func names() throws -> [String] {
        Array(Set(try townFormulaNames()).union(BuiltInFormulas.all.keys)).sorted()
    }

    private func townFormulaNames() throws -> [String] {
        guard FileSystem.isDirectory(directory) else { return [] }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw GatewayError("the formulas folder \(directory.path) cannot be read (\(error.localizedDescription))")
        }
        return entries.filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.filter(Self.isValidName).sorted()
    }

    private func parse(_ text: String, file: String, name: String, source: FormulaSource) throws -> Formula {
        do {
            return try FormulaParser.parse(text, file: file, name: name, source: source)
        } catch {
            throw error.gatewayError
        }
    }

    /// Checks a formula's text as the town would load it from `formulas/NAME.toml`, before it is put
    /// there (an import from another tool); the error names that file and the line.
    public static func check(_ text: String, name: String) throws -> Formula {
        guard isValidName(name) else {
            throw GatewayError.usage("is not a formula name: use letters, digits, ., _ or -, like daily-news")
        }
        do {
            return try FormulaParser.parse(text, file: "formulas/\(name).toml", name: name, source: .town)
        } catch {
            throw error.gatewayError
        }
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, CharacterSet.alphanumerics.contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0) }
    }
}
