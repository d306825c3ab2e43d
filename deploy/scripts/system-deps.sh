#!/usr/bin/env bash
# Debian packages for the test tiers: Chromium (browser e2e, no browser downloads here), CJK fonts
# (screenshots and PDFs), poppler (PDF checks), wrk (the load benchmark of `make bench`).
# Installs only what is missing; needs root for apt.
set -euo pipefail
want=(chromium fonts-noto-cjk fonts-wqy-microhei poppler-utils wrk)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
