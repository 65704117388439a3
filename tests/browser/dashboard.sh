#!/usr/bin/env bash
# The sandbox's dashboard (GET /_sandbox/) in a real browser: Debian's chromium, headless.
#
# Starts the sandbox (`lbc sandbox`, the release build), places calls through its API, registers
# a site with a hostile admin e-mail, arms faults, then has chromium render the page (running its
# refresh script) and checks the DOM: the calls with their codes, the account, the escaped e-mail as
# text and not markup, the refresh having run. Saves a screenshot to docs/sandbox-dashboard.png.
#
# Needs: cargo, curl, python3 and chromium (installed with apt-get when missing). Prints "N passed,
# M failed" and exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh

if [ -z "${CHROMIUM:-}" ]; then
  apt_need chromium:chromium fonts-dejavu-core
fi
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$CHROMIUM" ]; then
  echo "chromium is not installed (apt-get install -y chromium)" >&2
  exit 2
fi
SCREENSHOT="${LBC_SCREENSHOT:-docs/sandbox-dashboard.png}"

passed=0
failed=0
check() { # check NAME COMMAND...
  local name="$1"; shift
  if "$@"; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"
  fi
}

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The run's release `lbc` (scripts/test.sh built it; a no-op check then).
release_build

# Calls queue for 1 s, then ring for 10 minutes: the screenshot catches one ringing.
"$LBC" sandbox --listen 127.0.0.1:0 --dial-ms 1000 --ring-ms 600000 >"$work/ready" 2>"$work/stderr" &
server_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/ready" ] && break
  sleep 0.1
done
if [ ! -s "$work/ready" ]; then
  echo "the sandbox printed no ready line:" >&2
  cat "$work/stderr" >&2
  exit 1
fi
json() { python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1:]: v=v[int(k)] if k.isdigit() else v[k]
print(v)' "$@"; }
base_url="$(json base_url <"$work/ready")"
origin="${base_url%/callapi/v2.0/}"
echo "sandbox at $origin"

post() { curl -fsS -X "$1" -H 'Content-Type: application/json' --data "$3" "$origin$2"; }

# An account that may call unsigned, with a known caller number (code 0636).
account="$(post POST /_sandbox/accounts '{"allow_unsecure_calls": true, "fixed_mask": "79250000636", "balance": 250000}')"
id="$(echo "$account" | json call_api_id)"
api() { curl -fsS "$base_url$1"; }

# Two calls that have ended (busy, failed), then the one ringing now.
mask_free="$(post POST /_sandbox/accounts '{"allow_unsecure_calls": true}' | json call_api_id)"
api "call?call-api-id=$mask_free&msisdn=79991230008" >/dev/null
api "call?call-api-id=$mask_free&msisdn=79991230032&ip_address=198.51.100.23" >/dev/null
post POST /_sandbox/clock '{"advance_seconds": 700}' >/dev/null
call="$(api "call?call-api-id=$id&msisdn=79256880636&ip_address=203.0.113.7")"
call_id="$(echo "$call" | json call)"
check "the call answers the fixed mask" test "$(echo "$call" | json mask)" = 79250000636

# A site registered with a hostile admin e-mail (it reaches the outbox).
hostile='<img/src=x/onerror=alert(1)>@shop.example'
curl -fsS -G "${base_url}register" --data-urlencode "domain=shop.example" \
  --data-urlencode "admin_email=$hostile" >/dev/null

post POST /_sandbox/faults '{"method": "call", "kind": "502", "count": 2}' >/dev/null
post POST /_sandbox/faults '{"method": "*", "kind": "delay", "delay_ms": 1500}' >/dev/null
sleep 1.5 # the last call is dialing by now

browse() {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$work")" --hide-scrollbars \
    --virtual-time-budget=4000 "$@" "$origin/_sandbox/" 2>>"$work/chromium.log"
}

dump_dom() { browse --dump-dom >"$work/dom.html"; }
check "chromium renders the page" dump_dom
dom() { grep -qF -- "$1" "$work/dom.html"; }
no_dom() { ! grep -qF -- "$1" "$work/dom.html"; }
check "the page rendered" dom "<title>LoginByCall sandbox</title>"
check "the ringing call shows its code highlighted" dom '+7925000<span class="code">0636</span>'
check "the ringing call is dialing" dom "2 dialing"
check "the ended calls are shown" dom "8 busy"
check "a failed call shows last_error" dom "last_error: Call rejected, try again"
check "the call id is shown" dom "${call_id:0:10}"
check "the account is listed" dom "$id"
check "its balance is shown in USD" dom "24.99 USD"
check "the armed faults are listed" dom "delay 1500 ms"
check "the hostile e-mail is text" dom '&lt;img/src=x/onerror=alert(1)&gt;@shop.example'
check "the hostile e-mail is not markup" no_dom '<img'
check "the page refreshed itself" python3 -c '
import re, sys
found = re.search(r"data-refreshes=\"(\d+)\"", open(sys.argv[1]).read())
sys.exit(0 if found and int(found.group(1)) >= 1 else 1)' "$work/dom.html"
check "the page is still live" dom '<span id="conn" class="conn ok">live</span>'

mkdir -p "$(dirname "$SCREENSHOT")"
rm -f "$SCREENSHOT"
screenshot() { browse --screenshot="$SCREENSHOT" --window-size=1200,900 >/dev/null; }
check "chromium takes a screenshot" screenshot
check "the screenshot is a PNG" python3 -c '
import sys
data = open(sys.argv[1], "rb").read()
sys.exit(0 if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20000 else 1)' "$SCREENSHOT"

echo "$passed passed, $failed failed"
if [ "$failed" -ne 0 ]; then
  echo "--- chromium log ---"; tail -n 20 "$work/chromium.log" || true
  exit 1
fi
