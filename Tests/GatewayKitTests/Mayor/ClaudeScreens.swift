// Captured from Claude Code 2.1.332 (scripts/fetch-claude) in tmux 3.3a, 200×50, against gw-model-sim:
// `tmux capture-pane -p -J`, trailing spaces trimmed; the input line keeps its `❯` + U+00A0.
// The transcript lines are from the same session (noise records kept to prove they are skipped).

enum ClaudeScreens {
    static let idle = #"""

 ▐▛███▛█   Claude Code v2.1.332
▝▜██████▀  Opus 5.5 · API Usage Billing
 ▝▝   ▝▝   /tmp/town/proj









































                                                                                                                                                                                    ◐ medium · /effort
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
❯ 
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  ⏵⏵ accept edits on (shift+tab to cycle) · ← for agents
"""#

    static let typedText = #"""

 ▐▛███▛█   Claude Code v2.1.332
▝▜██████▀  Opus 5.5 · API Usage Billing
 ▝▝   ▝▝   /tmp/town/proj









































                                                                                                                                                                                    ◐ medium · /effort
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
❯ half typed
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  ⏵⏵ accept edits on (shift+tab to cycle)
"""#

    static let multiLineInput = #"""

 ▐▛███▛█   Claude Code v2.1.332
▝▜██████▀  Opus 5.5 · API Usage Billing
 ▝▝   ▝▝   /tmp/town/proj







































                                                                                                                                                                                 ctrl+g to edit in Vim
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
❯ line one
  line two
  line three
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  ⏵⏵ accept edits on (shift+tab to cycle)
"""#

    static let busy = #"""

 ▐▛███▛█   Claude Code v2.1.332
▝▜██████▀  Opus 5.5 · API Usage Billing
 ▝▝   ▝▝   /tmp/town/proj


❯ line one
  line two
  first
  think slowly

●
































✻ Quantumizing… (2s · ↓ 1 tokens)
                                                                                                                                                                          ctrl+y to paste deleted text
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
❯ 
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  ⏵⏵ accept edits on (shift+tab to cycle) · esc to interrupt
"""#

    static let queuedPlaceholder = #"""

 ▐▛███▛█   Claude Code v2.1.332
▝▜██████▀  Opus 5.5 · API Usage Billing
 ▝▝   ▝▝   /tmp/town/proj


❯ line one
  line two
  first
  think slowly

●

❯ queued one
  ⎿  Queued · ctrl+x ctrl+s to send now





























· Quantumizing… (3s · ↓ 2 tokens)
                                                                                                                                                                          ctrl+y to paste deleted text
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
❯ Press up to edit queued messages
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  ⏵⏵ accept edits on (shift+tab to cycle) · esc to interrupt
"""#

    static let idleAfterQueue = #"""

 ▐▛███▛█   Claude Code v2.1.332
▝▜██████▀  Opus 5.5 · API Usage Billing
 ▝▝   ▝▝   /tmp/town/proj


❯ line one
  line two
  first
  think slowly

● Thought slowly.

✻ Churned for 6s · done 2:03 AM

❯ queued one

● ECHO: queued one

✻ Cooked for 0s · done 2:03 AM

























                                                                                                                                                                                    ◐ medium · /effort
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
❯ 
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  ⏵⏵ accept edits on (shift+tab to cycle)
"""#

    static let resendPlaceholder = #"""

 ▐▛███▛█   Claude Code v2.1.332
▝▜██████▀  Opus 5.5 · API Usage Billing
 ▝▝   ▝▝   /tmp/town/proj


❯ line one
  line two
  first
  think slowly

● Thought slowly.

✻ Churned for 6s · done 2:03 AM

❯ queued one

● ECHO: queued one

✻ Cooked for 0s · done 2:03 AM

❯ overload please

● API Error: 529 scripted overload. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:34729).





















                                                                                                  tmux focus-events off · add 'set -g focus-events on' to ~/.tmux.conf and reattach for focus tracking
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
❯ Resend your message to try again
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  ⏵⏵ accept edits on (shift+tab to cycle)
"""#

    static let trustDialog = #"""

────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
 Accessing workspace:

 /tmp/town/untrusted

 Quick safety check: Is this a project you created or one you trust? (Like your own code, a well-known open source project, or work from your team). If not, take a moment to review what's in this
 folder first.

 Claude Code'll be able to read, edit, and execute files here.

 Security guide

 ❯ No, exit
   Yes, I trust this folder

 Enter to confirm · Esc to cancel
"""#

    static let apiKeyDialog = #"""

────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  Detected a custom API key in your environment

  ANTHROPIC_API_KEY: sk-ant-...xxxxxxxxxxxxxxxxxxxx

  Do you want to use this API key?

    Yes
  ❯ No (recommended)

  Enter to confirm · Esc to cancel
"""#

    /// Transcript records, one JSON object a line.
    static let transcript = #"""
{"type":"mode","mode":"normal","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e"}
{"type":"permission-mode","permissionMode":"acceptEdits","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e"}
{"parentUuid":null,"isSidechain":false,"promptId":"c3121ae5-05b6-4186-a9dd-4b320be1c609","type":"user","message":{"role":"user","content":"line one\nline two\nfirst\nthink slowly"},"uuid":"d9ca322a-dc4a-4efd-8a4b-7d745e786d2c","timestamp":"2026-11-26T02:03:22.783Z","permissionMode":"acceptEdits","origin":{"kind":"human"},"promptSource":"typed","turnOrigin":"human","turnPosition":{"promptIndex":1,"turnIndex":1},"userType":"external","entrypoint":"cli","cwd":"/tmp/town/proj","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e","version":"2.1.332","gitBranch":"HEAD"}
{"parentUuid":"7c8aa2f2-78de-4712-8ee3-ec408a521627","isSidechain":false,"attachment":{"type":"session_context","context":{}},"type":"attachment","uuid":"5c7afd91-9a4a-4c98-a006-1686a4b50837","timestamp":"2026-11-26T02:03:22.830Z","session_id":"d6554640-9308-4821-96c4-07fcd7d3f98e","userType":"external","entrypoint":"cli","cwd":"/tmp/town/proj","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e","version":"2.1.332","gitBranch":"HEAD"}
{"parentUuid":"5c7afd91-9a4a-4c98-a006-1686a4b50837","isSidechain":false,"attachment":{"type":"date","date":"2026-11-26"},"type":"attachment","uuid":"eda4d50d-3c00-4492-83c9-1265bf99008b","timestamp":"2026-11-26T02:03:22.830Z","rendered":[{"content":"<system-reminder>\nToday's date is 2026-11-26.\n</system-reminder>"}],"renderedRole":"system","session_id":"d6554640-9308-4821-96c4-07fcd7d3f98e","userType":"external","entrypoint":"cli","cwd":"/tmp/town/proj","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e","version":"2.1.332","gitBranch":"HEAD"}
{"type":"last-prompt","lastPrompt":"line one line two first think slowly","leafUuid":"7ad5d056-b1a4-4ffe-8f34-508b7c852f68","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e"}
{"type":"mode","mode":"normal","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e"}
{"type":"permission-mode","permissionMode":"acceptEdits","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e"}
{"type":"queue-operation","operation":"enqueue","timestamp":"2026-11-26T02:03:25.191Z","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e","content":"queued one"}
{"type":"queue-operation","operation":"dequeue","timestamp":"2026-11-26T02:03:29.017Z","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e"}
{"parentUuid":"7ad5d056-b1a4-4ffe-8f34-508b7c852f68","isSidechain":false,"message":{"content":[{"text":"Thought slowly.","type":"text"}],"id":"msg_gwsim_1","model":"claude-opus-5-5","role":"assistant","stop_reason":"end_turn","stop_sequence":null,"type":"message","usage":{"input_tokens":13769,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":3,"output_tokens_details":{"thinking_tokens":0},"server_tool_use":{"web_search_requests":0,"web_fetch_requests":0},"service_tier":"standard","cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},"inference_geo":"","iterations":[],"speed":"standard","fallback_credit":null},"stop_details":null},"apiBlockIndex":0,"requestId":"req_gwsim_2","requestRef":"2a310f4e-8ac0-4df3-ba85-339ae36a7651","requestedModel":"claude-opus-5-5","promptCacheRequested":"5m","type":"assistant","uuid":"0747796c-e86a-4850-894e-966a9f183fcb","timestamp":"2026-11-26T02:03:28.951Z","effort":"medium","perTurnEffort":"medium","madeBy":"model","session_id":"d6554640-9308-4821-96c4-07fcd7d3f98e","userType":"external","entrypoint":"cli","cwd":"/tmp/town/proj","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e","version":"2.1.332","gitBranch":"HEAD"}
{"parentUuid":"b04f20cf-3b23-47cc-93b1-930bb9ded19f","isSidechain":false,"type":"system","subtype":"turn_duration","durationMs":6210,"messageCount":12,"timestamp":"2026-11-26T02:03:28.974Z","uuid":"73499360-7ef8-4429-af84-19f7e5cc3881","isMeta":false,"userType":"external","entrypoint":"cli","cwd":"/tmp/town/proj","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e","version":"2.1.332","gitBranch":"HEAD"}
{"parentUuid":"73499360-7ef8-4429-af84-19f7e5cc3881","isSidechain":false,"promptId":"336906d1-6b68-4cbb-a841-c8ccfd503d08","type":"user","message":{"role":"user","content":"queued one"},"uuid":"5e248ab6-3439-4394-9877-78a5cc3af8a6","timestamp":"2026-11-26T02:03:29.055Z","permissionMode":"acceptEdits","origin":{"kind":"human"},"promptSource":"queued","sentAtMs":1795658605187,"turnOrigin":"human","turnPosition":{"promptIndex":2,"turnIndex":2},"userType":"external","entrypoint":"cli","cwd":"/tmp/town/proj","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e","version":"2.1.332","gitBranch":"HEAD"}
{"parentUuid":"5e248ab6-3439-4394-9877-78a5cc3af8a6","isSidechain":false,"message":{"content":[{"text":"ECHO: queued one","type":"text"}],"id":"msg_gwsim_3","model":"claude-opus-5-5","role":"assistant","stop_reason":"end_turn","stop_sequence":null,"type":"message","usage":{"input_tokens":13797,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":4,"output_tokens_details":{"thinking_tokens":0},"server_tool_use":{"web_search_requests":0,"web_fetch_requests":0},"service_tier":"standard","cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},"inference_geo":"","iterations":[],"speed":"standard","fallback_credit":null},"stop_details":null},"apiBlockIndex":0,"requestId":"req_gwsim_4","requestRef":"51336367-6f16-4af0-afda-c896dc95373b","requestedModel":"claude-opus-5-5","promptCacheRequested":"5m","type":"assistant","uuid":"472c7b9a-68af-4af9-b3d1-9b8cea1e7c89","timestamp":"2026-11-26T02:03:29.099Z","effort":"medium","perTurnEffort":"medium","madeBy":"model","session_id":"d6554640-9308-4821-96c4-07fcd7d3f98e","userType":"external","entrypoint":"cli","cwd":"/tmp/town/proj","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e","version":"2.1.332","gitBranch":"HEAD"}
{"parentUuid":"472c7b9a-68af-4af9-b3d1-9b8cea1e7c89","isSidechain":false,"type":"system","subtype":"turn_duration","durationMs":90,"messageCount":15,"timestamp":"2026-11-26T02:03:29.108Z","uuid":"aeb01f82-050d-4051-8b08-321f86e74ad1","isMeta":false,"userType":"external","entrypoint":"cli","cwd":"/tmp/town/proj","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e","version":"2.1.332","gitBranch":"HEAD"}
{"type":"last-prompt","lastPrompt":"queued one","leafUuid":"aeb01f82-050d-4051-8b08-321f86e74ad1","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e"}
{"type":"mode","mode":"normal","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e"}
{"type":"permission-mode","permissionMode":"acceptEdits","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e"}
{"parentUuid":"aeb01f82-050d-4051-8b08-321f86e74ad1","isSidechain":false,"promptId":"5da3d54e-aff3-4b38-882a-3d0e99122661","type":"user","message":{"role":"user","content":"overload please"},"uuid":"c30e10e9-82e8-46f1-ad10-29b04b632bea","timestamp":"2026-11-26T02:03:34.574Z","permissionMode":"acceptEdits","origin":{"kind":"human"},"promptSource":"typed","turnOrigin":"human","turnPosition":{"promptIndex":3,"turnIndex":3},"userType":"external","entrypoint":"cli","cwd":"/tmp/town/proj","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e","version":"2.1.332","gitBranch":"HEAD"}
{"parentUuid":"c30e10e9-82e8-46f1-ad10-29b04b632bea","isSidechain":false,"type":"assistant","uuid":"24e3a9aa-481b-4d5f-ad55-149294fa4054","timestamp":"2026-11-26T02:03:34.673Z","message":{"diagnostics":null,"id":"36f24bb0-e225-460a-aa18-05257c47c33b","container":null,"model":"<synthetic>","role":"assistant","stop_details":null,"stop_reason":"stop_sequence","stop_sequence":"","type":"message","usage":{"output_tokens_details":null,"input_tokens":0,"output_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"server_tool_use":{"web_search_requests":0,"web_fetch_requests":0},"service_tier":null,"cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},"inference_geo":null,"iterations":null,"speed":null,"fallback_credit":null},"content":[{"type":"text","text":"API Error: 529 scripted overload. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:34729)."}],"context_management":null},"requestId":"req_gwsim_5","error":"server_error","isApiErrorMessage":true,"apiErrorStatus":529,"apiErrorType":"overloaded_error","perTurnEffort":"medium","failedResponseHadNoToolCall":true,"madeBy":"model","session_id":"d6554640-9308-4821-96c4-07fcd7d3f98e","userType":"external","entrypoint":"cli","cwd":"/tmp/town/proj","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e","version":"2.1.332","gitBranch":"HEAD"}
{"type":"last-prompt","lastPrompt":"overload please","leafUuid":"24e3a9aa-481b-4d5f-ad55-149294fa4054","sessionId":"d6554640-9308-4821-96c4-07fcd7d3f98e"}
"""#
}
