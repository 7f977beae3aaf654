import assert from 'node:assert/strict';
import { markdownCode, markdownText, plainText } from '../../core/report/escape.js';

describe('escaping what captures say', function () {
  const hostile = '<script>alert(1)</script> [x](javascript:alert(1)) **b** | \x1b[31mred\x1b[0m `tick`';

  it('plain text loses terminal escapes and control characters', function () {
    assert.equal(plainText('a\x1b[31mred\x1b[0m\x1b]0;title\x07b\nc\x00d'), 'aredb c d');
  });

  it('Markdown text keeps no tag, link, emphasis or table pipe', function () {
    const md = markdownText(hostile);
    // eslint-disable-next-line no-control-regex -- ESC is the point: no terminal escape may get through
    assert.doesNotMatch(md, /<script|\x1b/);
    assert.doesNotMatch(md, /(?<!\\)[[\]|*`]/);
    assert.equal(
      markdownText('b-tr-teams-euno-05.northeurope.cloudapp.azure.com'),
      'b-tr-teams-euno-05.northeurope.cloudapp.azure.com',
    );
  });

  it('a code span outlasts any backtick run inside it', function () {
    assert.equal(markdownCode('a `b` c'), '``a `b` c``');
    assert.equal(markdownCode('x || y', true), '`x \\|\\| y`');
  });
});
