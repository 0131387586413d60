import GatewayCLI

await GatewayMain.run()
