import GatewayCore
/// `--var NAME=VALUE` arguments, as `gw formula render` and `gw sling` take them.
public enum FormulaArguments {
    /// Splits each argument at its first `=`; the value may itself hold `=`. Bad syntax is a usage error.
    public static func parse(_ arguments: [String]) throws -> [String: String] {
        var values: [String: String] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw GatewayError.usage("--var \(argument) is not NAME=VALUE: write it like --var topic=AI")
            }
            let name = String(argument[..<equals])
            guard FormulaTemplate.isName(name) else {
                throw GatewayError.usage("--var \(argument): \"\(name)\" is not a variable name: use letters, digits, _ or -, starting with a letter")
            }
            guard values[name] == nil else {
                throw GatewayError.usage("--var \(name) is given twice: give each variable once")
            }
            values[name] = String(argument[argument.index(after: equals)...])
        }
        return values
    }
}
