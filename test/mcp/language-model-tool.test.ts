import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CAPTURE_TOOLS } from '../../core/mcp/tools/index.js';
import { invocationMessages, languageModelToolContribution } from '../../core/mcp/tools/language-model-tool.js';
import type { AgentTool } from '../../core/mcp/tools/tool.js';

describe('mcp/language-model-tool: the tools VS Code offers language models', () => {
  const contributed = (
    JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      contributes: { languageModelTools: unknown[] };
    }
  ).contributes.languageModelTools;

  it("package.json contributes every agent tool, with the MCP server's own schema", () => {
    assert.deepEqual(contributed, CAPTURE_TOOLS.map(languageModelToolContribution));
  });

  it('lets a capture path be left out (the capture open in the editor), and nothing else', () => {
    const required = Object.fromEntries(
      CAPTURE_TOOLS.map((tool) => [
        tool.name,
        (languageModelToolContribution(tool).inputSchema as { required?: string[] }).required ?? [],
      ]),
    );
    assert.deepEqual(required, {
      analyze_capture: [],
      get_finding: ['id'],
      call_quality: [],
      packets: ['filter'],
      compare_captures: ['paths'],
    });
  });

  const tool = (name: string): AgentTool => CAPTURE_TOOLS.find((t) => t.name === name)!;

  it('the confirmation of packets shows the whole display filter and the fields tshark will print', () => {
    const filter = `rtp.ssrc == 0x17943d1c && ip.src == 198.51.100.77 && ${'frame.len > 0 && '.repeat(10)}udp`;
    const messages = invocationMessages(
      tool('packets'),
      { path: '/captures/call.pcapng', filter, fields: ['frame.number', 'rtp.seq'] },
      undefined,
    );
    assert.equal(messages.confirmationMessages.title, 'Run tshark on call.pcapng?');
    assert.equal(
      messages.confirmationMessages.message,
      `Teamshark will read call.pcapng with tshark and list the packets that match the display filter "${filter}" (fields frame.number, rtp.seq). Nothing is written.`,
    );
    assert.equal(
      messages.invocationMessage,
      `Teamshark: packets of call.pcapng that match "${filter.slice(0, 100)}…"`,
      'the progress line cuts a long filter',
    );
  });

  it('the other tools name the capture they analyse: the one named, else the one open in the editor', () => {
    assert.deepEqual(invocationMessages(tool('call_quality'), {}, '/captures/open.pcapng'), {
      invocationMessage: 'Teamshark: call quality per media stream (open.pcapng)',
      confirmationMessages: {
        title: 'Run tshark on open.pcapng?',
        message:
          'Teamshark will analyse open.pcapng with tshark, unless this window has analysed it already. Nothing is written.',
      },
    });
    assert.equal(
      invocationMessages(tool('compare_captures'), { paths: ['/a/one.pcap', 'two.pcapng'] }, undefined)
        .confirmationMessages.title,
      'Run tshark on one.pcap, two.pcapng?',
    );
    assert.equal(
      invocationMessages(tool('analyze_capture'), {}, undefined).confirmationMessages.title,
      'Run tshark on the capture open in the editor?',
    );
  });
});
