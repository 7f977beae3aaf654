import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CAPTURE_TOOLS } from '../../core/mcp/tools/index.js';
import { languageModelToolContribution } from '../../core/mcp/tools/language-model-tool.js';

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
});
