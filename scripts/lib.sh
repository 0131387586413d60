# Shared by scripts/demo, scripts/test and scripts/bench: install what is missing, never what is there.
set -euo pipefail

GW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '==> %s\n' "$*" >&2; }

# apt-get install, run once per missing package; sudo only when not root.
apt_install() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if [ -z "${GW_APT_UPDATED:-}" ]; then
        $sudo apt-get update -qq >/dev/null || true
        GW_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# need_command COMMAND [APT_PACKAGE [BREW_PACKAGE]]
need_command() {
    local name="$1" package="${2:-$1}" brew_package="${3:-${2:-$1}}"
    command -v "$name" >/dev/null 2>&1 && return 0
    say "installing $package (for $name)"
    if command -v apt-get >/dev/null 2>&1; then
        apt_install "$package"
    elif command -v brew >/dev/null 2>&1; then
        brew install "$brew_package"
    else
        echo "error: $name is missing and neither apt-get nor brew is available: install $package by hand" >&2
        exit 1
    fi
    command -v "$name" >/dev/null 2>&1 || { echo "error: installing $package did not provide $name" >&2; exit 1; }
}

need_base_tools() {
    need_command git
    need_command tmux
    command -v swift >/dev/null 2>&1 || { echo "error: the Swift toolchain (swift) is not on PATH: install Swift 6.2 or newer" >&2; exit 1; }
}

# Exports GW_CLAUDE_BIN for the real-Claude suite (scripts/fetch-claude: the pinned Claude Code, cached
# outside git). Under CI the suite must run, so a failed fetch fails the run; elsewhere it warns and
# the suite skips, saying why.
need_claude_for_tests() {
    local binary
    if [ -z "${GW_CLAUDE_BIN:-}" ]; then
        command -v python3 >/dev/null 2>&1 || need_command python3
        python3 -m pip --version >/dev/null 2>&1 || need_command pip3 python3-pip
    fi
    if binary="$("$GW_ROOT/scripts/fetch-claude")"; then
        export GW_CLAUDE_BIN="$binary"
        say "real-Claude tests use $GW_CLAUDE_BIN ($("$GW_CLAUDE_BIN" --version 2>/dev/null || echo 'version unknown'))"
    elif [ "${CI:-}" = "true" ]; then
        echo "error: could not fetch Claude Code, which the real-Claude tests need under CI (see the messages above)" >&2
        exit 1
    else
        say "warning: could not fetch Claude Code; the real-Claude tests will be skipped"
        unset GW_CLAUDE_BIN
    fi
}
