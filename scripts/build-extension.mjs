// Bundles the extension (and its tests) into CommonJS files: VS Code loads extensions with require(),
// while the core is ESM. One bundle also keeps the .vsix free of node_modules.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  sourcemap: true,
  logLevel: 'warning',
  external: ['vscode'],
  // vega-canvas's Node build probes for the optional `canvas` package with a top-level await, which CommonJS
  // cannot hold. Without that package both builds do the same (no canvas; text is measured by estimate), so
  // the browser build is used.
  alias: { 'vega-canvas': './node_modules/vega-canvas/build/vega-canvas.browser.js' },
};

// The analysis runs in a worker thread of the extension host (extension/worker): its own entry, loaded by path.
await build({
  ...common,
  entryPoints: { extension: 'extension/extension.ts', 'analysis-worker': 'extension/worker/analysis-worker.ts' },
  outdir: 'dist',
  minify: true,
});

const tests = readdirSync('test/vscode/suite')
  .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
  .map((f) => `test/vscode/suite/${f}`);
await build({ ...common, entryPoints: tests, outdir: 'dist/test/suite', external: [...common.external, 'mocha'] });

// The analysis view's chart runtime, loaded by the webview under its CSP (script by nonce, no eval).
await build({
  entryPoints: { vega: 'extension/view/webview-vega.ts' },
  outdir: 'dist/webview',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: true,
  logLevel: 'warning',
});
