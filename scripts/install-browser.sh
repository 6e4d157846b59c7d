#!/usr/bin/env bash
# The UI tests drive a real browser: Debian's chromium, through playwright-core (Playwright's own
# browser download cannot work offline). Links it as tools/chromium; installs it with apt-get when
# this is a Debian machine run as root, otherwise says what to install.
set -euo pipefail
source "$(dirname "$0")/tool-cache.sh"

find_chromium() {
  local candidate
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { echo "$candidate"; return; }
  done
}

install_chromium() {
  if [ -n "$(find_chromium)" ]; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "duban: installing chromium for the UI tests (Debian package chromium)..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >/dev/null ||
      fail "apt-get could not install the chromium package"
  else
    fail "a Chromium browser is needed for the UI tests: install it (Debian/Ubuntu: 'sudo apt-get install chromium') or set CHROMIUM_PATH."
  fi
}

# Chinese text in screenshots needs a CJK font; without one the tests pass but show boxes.
install_cjk_fonts() {
  if fc-list :lang=zh 2>/dev/null | grep -q .; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "duban: installing CJK fonts for legible screenshots (Debian package fonts-noto-cjk)..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk) >/dev/null ||
      echo "duban: warning: could not install fonts-noto-cjk; screenshots will show boxes for Chinese text" >&2
  else
    echo "duban: note: no CJK font found; install fonts-noto-cjk for legible screenshots" >&2
  fi
}

# The printed forms' PDFs (api/forms/pdf.ts) are set in TrueType faces, which Chromium embeds with
# their text (it draws Noto CJK's OpenType outlines as pictures); the API answers 503 without them.
install_pdf_fonts() {
  local missing=() family package
  for family in "AR PL SungtiL GB:fonts-arphic-gbsn00lp" "AR PL UMing CN:fonts-arphic-uming" "WenQuanYi Zen Hei:fonts-wqy-zenhei"; do
    package=${family##*:}
    fc-list "${family%:*}" family 2>/dev/null | grep -q . || missing+=("$package")
  done
  if [ ${#missing[@]} = 0 ]; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "duban: installing the printed forms' fonts (Debian packages ${missing[*]})..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") >/dev/null ||
      fail "apt-get could not install ${missing[*]}"
  else
    echo "duban: note: install ${missing[*]} for the printed forms' PDFs (the API answers 503 without them)" >&2
  fi
}

with_lock chromium install_chromium
with_lock cjk-fonts install_cjk_fonts
with_lock pdf-fonts install_pdf_fonts
ln -sfn "$(find_chromium)" "$DUBAN_TOOLS/chromium"
