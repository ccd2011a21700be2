#!/usr/bin/env bash
# Builds the vendored plotly.js (static/vendor/plotly/plotly-bar-scatter-<version>.min.js):
# the exact plotly.js and esbuild pinned in package-lock.json, installed with `npm ci` (no
# install scripts run), then bundled by build.js. Needs the npm registry; never run by
# `make run` or `make test`, which use the committed file. See docs/development.md.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
node build.js
