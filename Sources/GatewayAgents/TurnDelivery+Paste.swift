import Foundation
import GatewayCore

/// Between the paste and Enter: an agent takes a paste in its own time (Claude Code gathers a paste
/// before it draws it), and an Enter that arrives while it is still gathering becomes part of the text
/// instead of submitting it. So Enter waits for what the screen shows — the pasted text in the input
/// line — rather than a fixed pause that is too long on a quick machine and too short on a loaded one.
extension TurnDelivery {
    /// How often the pane is read while the paste is drawn: a screen has no event to wait on, and the
    /// drawing takes a few milliseconds to a few hundred. The first looks come quicker (2, 4, 8 ms):
    /// a quick agent has drawn it by then, and each look is a tmux process, so the pace slows after.
    static let screenPoll = Duration.milliseconds(10)
    static func screenPoll(afterLooks looks: Int) -> Duration {
        min(.milliseconds(2 << min(looks, 3)), screenPoll)
    }

    /// How long a screen that shows the start of the text must stay unchanged to count as drawn when its
    /// end never matches (a character the terminal draws otherwise than it was typed).
    static let settledFor: TimeInterval = 0.2

    /// Returns once the agent shows `typed` where it takes input, or at `deadline` — Enter is pressed
    /// then anyway, and a prompt the agent did not take is retried or failed as always.
    func waitForPaste(_ typed: String, deadline: Date) async throws {
        var unchanged: (text: String, since: Date)?
        var looks = 0
        while true {
            let text = try await lifecycle.capture()
            let screen = AgentScreen(text: text, profile: runtime.profile)
            if Self.showsWhole(typed, on: screen, completion: runtime.profile.completion) { return }
            let now = clock.now()
            if Self.inputHolds(screen.inputText, typed, scrolled: screen.inputScrolled) {
                if let unchanged, unchanged.text == text {
                    if now.timeIntervalSince(unchanged.since) >= Self.settledFor { return }
                } else {
                    unchanged = (text, now)
                }
            }
            guard now < deadline else {
                runtime.environment.logger.debug("the paste did not show in \(runtime.name)'s input line within \(settings.pasteDelay); pressing Enter")
                return
            }
            try await clock.sleep(for: Self.screenPoll(afterLooks: looks))
            looks += 1
        }
    }

    /// The whole of `typed` is on screen where the agent takes input: its input line holds the text's
    /// start and end (Claude Code wraps and trims it, and shows a long one as `[Pasted text #1 …]`); a
    /// screen-read agent's screen ends with it.
    static func showsWhole(_ typed: String, on screen: AgentScreen, completion: AgentProfile.Completion) -> Bool {
        switch completion {
        case .hooks:
            let visible = screen.inputText.filter { !$0.isWhitespace }
            let sent = typed.filter { !$0.isWhitespace }
            if visible.contains("[Pastedtext") { return true }
            return !sent.isEmpty && inputHolds(screen.inputText, typed, scrolled: screen.inputScrolled) && visible.hasSuffix(sent.suffix(40))
        case .screen:
            return screenEnds(screen.text, with: typed)
        }
    }
}
