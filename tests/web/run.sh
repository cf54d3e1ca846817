#!/usr/bin/env bash
# The web pages' tests (docs/web.md), as ctest runs them:
#   run.sh units                         the browser's fold, thresholds, dictionaries (node only)
#   run.sh pages HOTLINE_BIN SHOT_DIR    the pages in chromium against a real node
#   run.sh ops HOTLINE_BIN SHOT_DIR RECORDING_FIXTURE
#                                        recordings, session end, tenants, flows, webhooks, sites
# They need node (Debian nodejs, 18+), and for `pages` Debian's chromium and
# this folder's npm packages:
#   apt-get install nodejs npm chromium
#   PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/web
# Without them the tests are skipped (exit 77, ctest's SKIP) with a message.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
mode="${1:-}"
if ! command -v node >/dev/null; then
  echo "SKIP: node is not installed (apt-get install nodejs npm)"; exit 77
fi
# web/package.json (not served) makes web/*.js ES modules for node too.
# Debian bookworm's node is 18: flags of later versions only when known.
node_flags=(--no-warnings --test)
if node --test-concurrency=1 -e '' 2>/dev/null; then node_flags+=(--test-concurrency=1); fi
case "$mode" in
units)
  cd "$here" && exec node "${node_flags[@]}" live.test.mjs views.test.mjs ;;
pages|ops)
  export HOTLINE_BIN="$2" WEB_SCREENSHOTS="$3" RECORDING_FIXTURE="${4:-}"
  export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
  if [ ! -x "$CHROMIUM" ]; then
    echo "SKIP: no chromium at $CHROMIUM (apt-get install chromium, or set CHROMIUM)"; exit 77
  fi
  if [ ! -d "$here/node_modules/playwright-core" ]; then
    echo "SKIP: tests/web/node_modules is missing (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/web)"; exit 77
  fi
  if [ "$mode" = ops ] && [ ! -x "$RECORDING_FIXTURE" ]; then
    echo "FAIL: the recording fixture '$RECORDING_FIXTURE' is not built (cmake --build build --target recording_fixture)"; exit 1
  fi
  mkdir -p "$WEB_SCREENSHOTS"
  [ "$mode" = ops ] && file=ops.test.mjs || file=pages.test.mjs
  cd "$here" && exec node "${node_flags[@]}" "$file" ;;
*)
  echo "usage: run.sh units | run.sh pages HOTLINE_BIN SCREENSHOT_DIR | run.sh ops HOTLINE_BIN SCREENSHOT_DIR RECORDING_FIXTURE" >&2; exit 2 ;;
esac
