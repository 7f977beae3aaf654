import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { execa } from 'execa';
import { installCodeServer, REPO } from './vscode/code-server.js';

/**
 * The notes grammar (syntaxes/teamshark-notes.tmLanguage.json): generated from the knowledge data and up to
 * date, and tokenizing test/grammar/*.test.md as asserted there, injected into VS Code's own Markdown grammar
 * (from the code-server the extension tests run in) by vscode-tmgrammar-test.
 */
describe('notes grammar', function () {
  this.timeout(900_000);

  it('is what scripts/gen-notes-grammar.mjs generates from core/knowledge', async () => {
    const result = await execa(process.execPath, [join(REPO, 'scripts/gen-notes-grammar.mjs'), '--check'], {
      reject: false,
    });
    assert.equal(result.exitCode, 0, result.stderr);
  });

  it('highlights suites, codes, addresses, catalog domains, frames and display filters in Markdown', async () => {
    const markdownGrammar = join(
      installCodeServer(),
      '../../../lib/vscode/extensions/markdown-basics/syntaxes/markdown.tmLanguage.json',
    );
    const result = await execa(
      join(REPO, 'node_modules/.bin/vscode-tmgrammar-test'),
      ['--compact', '-g', markdownGrammar, 'test/grammar/*.test.md'],
      { cwd: REPO, reject: false },
    );
    const output = `${result.stdout}\n${result.stderr}`
      .split('\n')
      .filter((line) => !/grammar not found/.test(line))
      .join('\n');
    assert.equal(result.exitCode, 0, output);
    assert.match(output, /notes\.test\.md run successfuly/);
  });
});
