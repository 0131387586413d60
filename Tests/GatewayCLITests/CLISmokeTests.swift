import Testing
@testable import GatewayCLI
@testable import GatewayKit
