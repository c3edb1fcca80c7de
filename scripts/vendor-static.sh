#!/usr/bin/env bash
# Refresh the vendored front-end files from the npm registry (no CDN at run time).
set -euo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent htmx.org@2.0.11 chart.js@4.6.1 >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
dest="$OLDPWD/static/vendor"
cp htmx.org-2.0.11/package/dist/htmx.min.js "$dest/htmx-2.0.11.min.js"
cp chart.js-4.6.1/package/dist/chart.umd.min.js "$dest/chart-4.6.1.umd.min.js"
echo "vendored into $dest"
