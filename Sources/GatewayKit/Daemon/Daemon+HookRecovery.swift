import Foundation
import GatewayCore
import GatewayHooks

extension Daemon {
    /// Commits what a crash left uncommitted in any hook (a writer killed between its edit and its
    /// commit), before the services start writing to hooks again. Runs once at start; a hook that cannot
    /// be recovered is logged and left as it was, and never stops the daemon.
    func recoverHooks() async {
        let store = HookStore(environment: environment, town: town, config: config.current.gateway)
        let hooks: [HookSummary]
        do {
            hooks = try await store.list()
        } catch {
            logger.warning("could not list the hooks to recover uncommitted changes: \(error.userMessage)")
            return
        }
        for hook in hooks where hook.path != nil {
            // A lock held now is a writer at work: what it has not committed yet is its own to commit,
            // and waiting for it could hold the daemon's start for as long as a `gw hook lock-exec` runs.
            if FileLock.isHeld(store.lockFile(for: hook.agent)) {
                logger.info("the hook of \(hook.agent) is being written; its writer commits its own changes")
                continue
            }
            do {
                guard let recovered = try await store.recoverUncommitted(hook.agent), let commit = recovered.commit else { continue }
                let paths = recovered.tookAlong.joined(separator: ", ")
                logger.notice("recovered uncommitted changes in the hook of \(hook.agent) as commit \(commit.prefix(12)): \(paths)")
            } catch {
                logger.warning("could not recover the uncommitted changes in the hook of \(hook.agent): \(error.userMessage)")
            }
        }
    }
}
