import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { resolutionChain } from '../core/model/dns.js';
import { splitStunType } from '../core/model/stun-registry.js';
import { markdownCode, markdownText, plainText } from '../core/report/escape.js';
import { filterString } from '../core/util/display-filter.js';
import { forEachLine } from '../core/tshark/lines.js';
import { compareVersions, parseTsharkVersion } from '../core/tshark/locate.js';

async function collect(chunks: (string | Buffer)[]): Promise<string[]> {
  const out: string[] = [];
  await forEachLine(Readable.from(chunks), (line) => out.push(line));
  return out;
}

describe('line splitting of tshark output', function () {
  it('joins lines split across chunks and drops the newline (and a CR before it)', async function () {
    assert.deepEqual(await collect(['{"a":', '1}\n{"b"', ':2}\r\n', 'tail']), ['{"a":1}', '{"b":2}', 'tail']);
  });

  it('keeps a multi-byte character split between two chunks whole', async function () {
    const bytes = Buffer.from('café→\n');
    assert.deepEqual(await collect([bytes.subarray(0, 4), bytes.subarray(4)]), ['café→']);
  });
});

describe('tshark version check', function () {
  it('reads the version from the first line of `tshark --version`', function () {
    assert.equal(
      parseTsharkVersion('TShark (Wireshark) 4.0.17 (Git v4.0.17 packaged as 4.0.17-0+deb12u3).\n\nCopyright…'),
      '4.0.17',
    );
    assert.equal(parseTsharkVersion('Usage: true'), undefined);
  });

  it('orders versions numerically, so 3.10 is newer than 3.6', function () {
    assert.equal(compareVersions('3.10.0', '3.6.0'), 1);
    assert.equal(compareVersions('3.4.16', '3.6.0'), -1);
    assert.equal(compareVersions('3.6.0', '3.6.0'), 0);
  });
});

describe('DNS resolution chains', function () {
  const cname = (name: string, data: string) => ({ name, type: 5, data });
  const a = (name: string, data: string) => ({ name, type: 1, data });

  it('follows CNAMEs from the queried name, whatever order the answers come in, ignoring case', function () {
    const chain = resolutionChain('Config.Teams.Microsoft.com', [
      a('s-0005.s-msedge.net', '52.113.194.132'),
      cname('config.teams.trafficmanager.net', 's-0005.s-msedge.net'),
      cname('config.teams.microsoft.com', 'config.teams.trafficmanager.net'),
    ]);
    assert.deepEqual(chain, {
      names: ['Config.Teams.Microsoft.com', 'config.teams.trafficmanager.net', 's-0005.s-msedge.net'],
      addresses: ['52.113.194.132'],
    });
  });

  it('stops on a CNAME loop instead of spinning', function () {
    const chain = resolutionChain('a.example', [cname('a.example', 'b.example'), cname('b.example', 'a.example')]);
    assert.deepEqual(chain, { names: ['a.example', 'b.example'], addresses: [] });
  });

  it('has no chain when the answers say nothing about the queried name', function () {
    assert.equal(resolutionChain('a.example', []), undefined);
    assert.equal(resolutionChain('a.example', [a('other.example', '192.0.2.1')]), undefined);
  });
});

describe('STUN message types (RFC 8489 §5)', function () {
  it('splits the interleaved class and method bits', function () {
    assert.deepEqual(splitStunType(0x0001), { method: 1, class: 'request' });
    assert.deepEqual(splitStunType(0x0101), { method: 1, class: 'success' });
    assert.deepEqual(splitStunType(0x0113), { method: 3, class: 'error' });
    assert.deepEqual(splitStunType(0x0016), { method: 6, class: 'indication' });
  });
});

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

  it('display-filter strings escape quotes and backslashes', function () {
    assert.equal(filterString('a"b\\c'), '"a\\"b\\\\c"');
  });
});
