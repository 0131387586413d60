import Foundation
import GatewayCore

/// The outcome of the last push of one hook branch, kept in `.gateway/hook-state/<agent>.push.json`.
public struct HookPushRecord: Sendable, Equatable, Codable {
    public var at: Date
    public var succeeded: Bool
    public var attempts: Int
    /// git's complaint, with any credentials in the remote's URL masked.
    public var error: String?
}

/// Pushes hook branches to `[hooks] remote`. A push runs after the hook's lock is released, so it never
/// holds up the next local write; a failure is retried, logged and recorded, never thrown.
struct HookPusher: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    let settings: HooksSettings

    func recordFile(_ agent: String) -> URL {
        town.hookStateDirectory.appendingPathComponent("\(agent).push.json")
    }

    /// Pushes `agent`'s branch tip; returns the masked error when every attempt failed. Pushers of one
    /// hook take turns, so a batch of writers ends in one real push and a few "up to date" answers
    /// instead of rejected races on the remote's ref.
    func push(_ agent: String) async -> String? {
        guard settings.remote != nil else { return nil }
        do {
            return try await FileLock.withLockAsync(town.hookStateDirectory.appendingPathComponent("\(agent).push.lock")) {
                await pushNow(agent)
            }
        } catch {
            environment.logger.warning("could not take the push lock; the next commit pushes", metadata: ["error": "\(error)"])
            return "\(error)"
        }
    }

    private func pushNow(_ agent: String) async -> String? {
        guard let remote = settings.remote else { return nil }
        let branch = HookBranches.branch(for: agent)
        let command = Git.pushBranch(branch, to: remote, in: town.root)
        var lastError = ""
        var delay = Duration.milliseconds(200)
        for attempt in 1...settings.pushAttempts {
            do {
                let result = try await environment.processes.run(command)
                if result.succeeded {
                    record(agent, HookPushRecord(at: environment.clock.now(), succeeded: true, attempts: attempt, error: nil))
                    return nil
                }
                lastError = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                lastError = "\(error)"
            }
            if attempt < settings.pushAttempts {
                // A cancelled sleep only cuts the backoff short: a push failure is recorded, never thrown.
                try? await environment.clock.sleep(for: delay)
                delay *= 2
            }
        }
        let masked = Self.mask(lastError, remote: remote)
        environment.logger.warning("pushing hook branch failed; the commit is safe locally and the next commit retries",
                                   metadata: ["branch": "\(branch)", "error": "\(masked)"])
        record(agent, HookPushRecord(at: environment.clock.now(), succeeded: false, attempts: settings.pushAttempts, error: masked))
        return masked
    }

    func lastRecord(_ agent: String) -> HookPushRecord? {
        guard let data = try? Data(contentsOf: recordFile(agent)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(HookPushRecord.self, from: data)
    }

    private func record(_ agent: String, _ record: HookPushRecord) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        do {
            try FileSystem.writeAtomically(try encoder.encode(record), to: recordFile(agent))
        } catch {
            environment.logger.warning("could not record the push outcome", metadata: ["error": "\(error)"])
        }
    }

    /// Hides `user:password@` in the remote (and wherever git echoes it), so tokens never reach logs.
    static func mask(_ text: String, remote: String) -> String {
        guard let scheme = remote.range(of: "://"), let at = remote[scheme.upperBound...].firstIndex(of: "@") else { return text }
        let secret = String(remote[scheme.upperBound..<at])
        return text.replacingOccurrences(of: secret, with: "***")
    }
}
