#!/usr/bin/env bash
# Refresh the vendored front-end files from the npm registry (no CDN at run time).
set -euo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent htmx.org@2.0.11 chart.js@4.6.1 axe-core@4.10.3 >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
dest="$OLDPWD/static/vendor"
cp htmx.org-2.0.11/package/dist/htmx.min.js "$dest/htmx-2.0.11.min.js"
cp chart.js-4.6.1/package/dist/chart.umd.min.js "$dest/chart-4.6.1.umd.min.js"
# axe-core: the accessibility checks the browser tests run on every page (not loaded by the pages).
cp axe-core-4.10.3/package/axe.min.js "$dest/axe-4.10.3.min.js"
cp axe-core-4.10.3/package/LICENSE "$dest/axe.LICENSE"
echo "vendored into $dest"
