// Bundles entry.js (plotly.js core + bar + scatter) with esbuild into static/vendor/plotly/,
// minified, with plotly.js's version in the banner and file name. Run by build.sh.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const version = require('plotly.js/package.json').version;
const vendor = path.resolve(__dirname, '..', '..', 'static', 'vendor', 'plotly');
const name = `plotly-bar-scatter-${version}.min.js`;
const banner = `/**
* plotly.js (bar-scatter - minified) v${version}: core, bar and scatter only.
* Built by scripts/plotly/build.sh with esbuild ${esbuild.version}.
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
*/`;

esbuild
    .build({
        // The settings of plotly.js's own esbuild-config.js that apply to these traces.
        entryPoints: [path.join(__dirname, 'entry.js')],
        bundle: true,
        minify: true,
        format: 'iife',
        globalName: 'Plotly',
        define: { global: 'window', 'define.amd': 'false' },
        // maplibre's stylesheet is imported but unused here; plotly.js injects its own rules.
        loader: { '.css': 'empty' },
        target: 'es2016',
        legalComments: 'eof',
        banner: { js: banner },
        write: false,
        logLevel: 'warning'
    })
    .then((result) => {
        for (const old of fs.readdirSync(vendor).filter((f) => /^plotly-.*\.js$/.test(f))) {
            fs.unlinkSync(path.join(vendor, old));
        }
        const code = result.outputFiles[0].contents;
        fs.writeFileSync(path.join(vendor, name), code);
        fs.copyFileSync(require.resolve('plotly.js/LICENSE'), path.join(vendor, 'LICENSE'));
        const sha = crypto.createHash('sha256').update(code).digest('hex');
        console.log(`static/vendor/plotly/${name}: ${code.length} bytes, sha256 ${sha}`);
    })
    .catch(() => process.exit(1));
