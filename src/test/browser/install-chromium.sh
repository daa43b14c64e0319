#!/usr/bin/env bash
# Installs Debian's Chromium and its matching driver for the browser tests, only when one of them is missing.
# Runs in Maven's pre-integration-test phase; fails loudly when it cannot install, so browser tests never skip silently.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi

# Two builds on one machine (two clones, say) would race for apt's lock and one would fail: the second waits for the
# first here, then finds Chromium installed.
if [ -z "${CHROMIUM_INSTALL_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
    exec env CHROMIUM_INSTALL_LOCKED=1 flock "${TMPDIR:-/tmp}/workestra-install-chromium.lock" bash "$0" "$@"
fi

echo "[browser tests] /usr/bin/chromium or /usr/bin/chromedriver is missing: installing Debian's chromium and chromium-driver"
run_as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        run_as_root=(sudo -n)
    else
        echo "[browser tests] ERROR: installing Chromium needs root (or password-less sudo). Install it by hand:" >&2
        echo "    apt-get update && apt-get install -y chromium chromium-driver" >&2
        exit 1
    fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "[browser tests] ERROR: no apt-get here; install Chromium and a matching chromedriver as /usr/bin/chromium and /usr/bin/chromedriver" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${run_as_root[@]}" apt-get update -qq || ! "${run_as_root[@]}" apt-get install -y -qq chromium chromium-driver; then
    echo "[browser tests] ERROR: apt-get could not install chromium and chromium-driver" >&2
    exit 1
fi
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    echo "[browser tests] ERROR: chromium-driver installed, but /usr/bin/chromium or /usr/bin/chromedriver is still missing" >&2
    exit 1
fi
echo "[browser tests] installed: $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
