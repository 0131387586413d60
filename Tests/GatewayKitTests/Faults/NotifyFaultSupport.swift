import Foundation
@testable import GatewayKit
import GatewayTestSupport

/// Counting what notification servers really received, for the delivery scenarios. Every message in
/// them carries a unique tag as its text (and, for email, as its subject), so an arrival names the
/// message it belongs to.
enum DeliveryCount {
    /// The tag in a received Telegram or webhook text: the first word of its last line (Telegram puts the
    /// bold title first; each part of a long message starts with its own tag, `TAG/pN`).
    static func tag(_ text: String) -> String {
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
        return String(line.split(separator: " ").first ?? "")
    }

    /// The tags of the mails an SMTP double recorded, in the order it accepted them (by Subject).
    static func mailTags(_ smtp: SMTPDouble) throws -> [String] {
        try smtp.received().map { mail in
            let subject = mail.message.components(separatedBy: "\r\n").first { $0.hasPrefix("Subject: ") }
            return subject.map { String($0.dropFirst("Subject: ".count)) } ?? "(no subject)"
        }
    }

    /// Tallies arrivals against the tags that were sent: a tag never received is lost, one received
    /// more than once is duplicated — except a second arrival of a tag in `window` (the message in
    /// flight at a kill between the server's acceptance and the ledger's commit), which is returned
    /// as a duplicate in the acceptance window instead. An arrival of something never sent fails.
    @discardableResult
    static func tally(_ arrivals: [String], sent: [String], window: Set<String> = [], channel: String,
                      into tally: inout FaultTally) -> Int {
        var counts: [String: Int] = [:]
        for tag in arrivals { counts[tag, default: 0] += 1 }
        var inWindow = 0
        for tag in sent {
            let times = counts.removeValue(forKey: tag) ?? 0
            if times == 0 {
                tally.lose("\(channel): \(tag) never arrived")
            } else if times == 2, window.contains(tag) {
                inWindow += 1
            } else if times > 1 {
                tally.duplicate("\(channel): \(tag) arrived \(times) times\(window.contains(tag) ? " (in flight at a kill, but more than twice)" : "")",
                                count: times - 1)
            }
        }
        for (tag, times) in counts.sorted(by: { $0.key < $1.key }) {
            tally.fail("\(channel): \(tag) arrived \(times) times but was never sent")
        }
        return inWindow
    }

    /// Fails the tally when the first arrivals of `sent` are not in the order they were sent.
    static func checkOrder(_ arrivals: [String], sent: [String], channel: String, into tally: inout FaultTally) {
        let wanted = Set(sent)
        var seen = Set<String>()
        let firsts = arrivals.filter { wanted.contains($0) && seen.insert($0).inserted }
        let expected = sent.filter { seen.contains($0) }
        if firsts != expected {
            let at = zip(firsts, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(firsts.count, expected.count)
            tally.fail("\(channel): out of order from arrival \(at + 1): got \(firsts.dropFirst(at).prefix(3)), sent \(expected.dropFirst(at).prefix(3))")
        }
    }
}
