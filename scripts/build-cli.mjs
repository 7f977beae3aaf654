// Bundles the command line (core/cli.ts) into dist/cli/teamshark.mjs, the `teamshark` program. Run from tsc's
// out/, every command first has Node's module loader find, read and link hundreds of files (ours, execa's,
// ajv's…): 0.2–0.3 s of every run, a quarter of a small capture's analysis. Each command's code stays in a file
// of its own, loaded when that command runs (DuckDB's and vega's are large).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist/cli', { recursive: true, force: true }); // chunk names change with their content
await build({
  entryPoints: { teamshark: 'core/cli.ts' },
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // DuckDB's native binding is a file per platform, found at run time.
  external: ['@duckdb/*'],
  // The CommonJS packages bundled in still call require() for Node's own modules; ESM has no require.
  banner: {
    js: "import { createRequire as teamsharkCreateRequire } from 'node:module'; const require = teamsharkCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
