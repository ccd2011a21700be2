// plotly.js with only the trace types the dashboard draws: bar and scatter (src/charts.py).
// Built by scripts/plotly/build.sh into static/vendor/plotly/; see docs/development.md.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/scatter')]);

module.exports = Plotly;
