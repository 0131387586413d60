import Foundation

/// The demo's fixed material: the user's daily-news task plus a task that finds nothing, and the
/// scripted answers the model double gives — like a real assistant would, the news task makes Claude
/// write its findings with its own Write tool before it answers.
enum DemoScript {
    static let heartbeat = """
        # HEARTBEAT.md — the demo's standing tasks

        ## 每日资讯
        - 使用 WebSearch 搜索今天科技新闻
        - 总结 3 条重要资讯
        - 记录到 memory/YYYY-MM-DD.md
        - 如果有重大突破，发送通知

        ## Quiet check
        - Look at the town's rigs for anything that needs attention; answer HEARTBEAT_OK when nothing does.

        """

    static let findings = """
        今日科技要闻（演示数据，由脚本化模型给出）：
        1. 开源语言模型在代码评测上再创新高。
        2. 新一代固态电池开始小规模量产。
        3. 量子纠错实验把逻辑错误率降低了一个数量级。
        """

    static func reply(urgent: Bool) -> String {
        """
        ## 每日资讯
        \(findings)
        \(urgent ? "URGENT: 量子纠错取得重大突破，值得立即关注。\n" : "")
        ## Quiet check
        HEARTBEAT_OK
        """
    }

    /// gw-model-sim rules: the heartbeat prompt (it names the task) gets a Write of the notes, then the
    /// sectioned reply; anything else an ordinary answer.
    static func modelRules(notesFile: URL) -> String {
        """
        [[rule]]
        name = "daily-news"
        match = "每日资讯"
        [[rule.step]]
        reply = "先把今天的资讯写进笔记。"
        tools = [{ name = "Write", input = { file_path = \(tomlString(notesFile.path)), content = \(tomlString(findings + "\n")) } }]
        [[rule.step]]
        reply = \(tomlString(reply(urgent: true)))

        [[rule]]
        name = "anything else"
        reply = "Noted."

        """
    }

    /// gw-agent-sim rules (the terminal double runs no tools): the same sectioned reply.
    static func agentRules() -> String {
        """
        [[rule]]
        name = "daily-news"
        match = "每日资讯"
        reply = \(tomlString(reply(urgent: true)))

        """
    }

    static func tomlString(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"\(escaped)\""
    }
}
