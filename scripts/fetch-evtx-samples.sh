#!/usr/bin/env bash
# Fetches real Windows EVTX files (python-evtx's test data, Apache-2.0, from Debian's archive,
# checksum-pinned) into .cache/evtx-samples/ for test/logs/evtx-real.test.ts. They are not
# committed: the test reads them from there and skips visibly when they are absent.
# Among them, issue_43.evtx is a real Sysmon Operational log (1,730 records, 153 of Event 3).
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${DAC_EVTX_SAMPLES:-.cache/evtx-samples}"
url="http://deb.debian.org/debian/pool/main/p/python-evtx/python-evtx_0.7.4.orig.tar.gz"
sha="ecf3c1736ec9e080ddd1c64b6dad23c756e20d54bd30acc21245b9706258fdd9"
[ -f "$dest/issue_43.evtx" ] && exit 0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if ! curl -fsSL --max-time 120 -o "$tmp/src.tgz" "$url"; then
  echo "note: could not download $url; real-EVTX tests will skip" >&2
  exit 0
fi
if ! echo "$sha  $tmp/src.tgz" | sha256sum -c --quiet -; then
  echo "note: checksum mismatch for $url; real-EVTX tests will skip" >&2
  exit 0
fi
tar -xzf "$tmp/src.tgz" -C "$tmp" --wildcards '*/tests/data/*' '*/LICENSE.TXT'
mkdir -p "$dest"
cp "$tmp"/python-evtx-*/tests/data/*.evtx "$tmp"/python-evtx-*/tests/data/readme.md "$dest/"
cp "$tmp"/python-evtx-*/LICENSE.TXT "$dest/LICENSE.TXT"
echo "EVTX samples in $dest: $(ls "$dest" | grep -c '\.evtx$') files"
