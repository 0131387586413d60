import SimKit
import Foundation

/// Written to by signal handlers so the event loop wakes up; both ends are set up once at start.
nonisolated(unsafe) var signalWakeDescriptor: Int32 = -1

/// The pipe behind `signalWakeDescriptor`: (read end, write end), non-blocking.
let signalWakePipe: (read: Int32, write: Int32) = {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { return (-1, -1) }
    for end in ends {
        // Non-blocking, so a signal handler never waits on a full pipe; close-on-exec, so hooks never see it.
        guard fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) == 0, fcntl(end, F_SETFD, FD_CLOEXEC) == 0 else { return (-1, -1) }
    }
    return (ends[0], ends[1])
}()

/// The controlling terminal in raw mode with bracketed paste on, as a full-screen TUI uses it.
/// Restores the saved mode on `restore()`, which every exit path calls.
final class Terminal {
    private var saved = termios()
    private var isRaw = false
    let input: Int32 = STDIN_FILENO
    let output: Int32 = STDOUT_FILENO

    /// Switches to raw mode: no echo, no line editing, no signals from keys (Ctrl-C arrives as a byte,
    /// as in Claude Code), and turns on bracketed paste so a paste arrives as one unit.
    func enterRawMode() {
        guard isatty(input) != 0, tcgetattr(input, &saved) == 0 else { return }
        var raw = saved
        cfmakeraw(&raw)
        // Keep output processing off too: every line the renderer writes ends in "\r\n" itself.
        if tcsetattr(input, TCSAFLUSH, &raw) == 0 { isRaw = true }
        write("\u{1B}[?2004h")
    }

    func restore() {
        write("\u{1B}[?2004l\r\n")
        if isRaw {
            var original = saved
            tcsetattr(input, TCSAFLUSH, &original)
            isRaw = false
        }
    }

    /// Columns and rows; 80×24 when the size is unknown (not a terminal).
    func size() -> (columns: Int, rows: Int) {
        var window = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 {
            return (Int(window.ws_col), Int(window.ws_row))
        }
        return (80, 24)
    }

    /// Writes all of the text in as few system calls as the kernel allows, so tmux sees each frame whole.
    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Foundation.write(output, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// Waits up to `timeout` seconds (nil = forever) for input; returns the bytes read, empty on timeout,
    /// nil at end of input.
    /// A signal also ends the wait: the handler writes to `signalWakeDescriptor` (a signal may be
    /// delivered to any thread, so an interrupted `poll` cannot be relied on).
    func read(timeout: Double?) -> [UInt8]? {
        var descriptors = [
            pollfd(fd: input, events: Int16(POLLIN), revents: 0),
            pollfd(fd: signalWakePipe.read, events: Int16(POLLIN), revents: 0),
        ]
        let milliseconds = timeout.map { Int32(max(0, min($0, 3600)) * 1000) } ?? -1
        let ready = poll(&descriptors, 2, milliseconds)
        if ready <= 0 { return [] }
        if descriptors[1].revents != 0 {
            var drained = [UInt8](repeating: 0, count: 64)
            let count = drained.withUnsafeMutableBytes { Foundation.read(signalWakePipe.read, $0.baseAddress!, $0.count) }
            if count >= 0, descriptors[0].revents == 0 { return [] }
        }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { Foundation.read(input, $0.baseAddress!, $0.count) }
        if count < 0 { return errno == EINTR || errno == EAGAIN ? [] : nil }
        if count == 0 { return nil }
        return Array(buffer[0..<count])
    }
}
