// Loaded by every mocha run (.mocharc.json): the CLIs and servers the tests start keep their caches (tshark
// facts, saved reports) in a folder of this run, removed at its end, so that no test is answered from a report
// an earlier run — or the developer — saved, and none leaves reports in the developer's cache.
'use strict';
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const folder = mkdtempSync(join(tmpdir(), 'teamshark-test-cache-'));
process.env.TEAMSHARK_CACHE_DIR = folder;
process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
