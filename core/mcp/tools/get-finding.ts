import { findingSource } from '../../findings/rules.js';
import { TeamsharkError } from '../../util/errors.js';
import { CAPTURE_PATH, reportOf, type AgentTool } from './tool.js';

export const getFindingTool: AgentTool = {
  name: 'get_finding',
  referenceName: 'teamsharkFinding',
  title: 'Read one finding whole',
  description:
    "One finding of a capture's report, whole: its title, detail, severity, the evidence frames and a Wireshark display filter that shows them; the rule that made it (its kind) and the standard or document the rule applies (title, URL, section), or null where it rests on none. Ids come from analyze_capture.",
  inputSchema: {
    type: 'object',
    properties: { path: CAPTURE_PATH, id: { type: 'string', minLength: 1, description: "The finding's id." } },
    required: ['path', 'id'],
  },
  outputSchema: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      rule: { type: 'string' },
      section: { type: 'string' },
      severity: { type: 'string' },
      title: { type: 'string' },
      detail: { type: 'string' },
      frames: { type: 'array', items: { type: 'integer' } },
      filter: { type: 'string' },
      source: {
        type: ['object', 'null'],
        properties: { title: { type: 'string' }, url: { type: 'string' }, section: { type: 'string' } },
        required: ['title', 'url'],
      },
    },
    required: ['id', 'rule', 'section', 'severity', 'title', 'detail', 'frames', 'filter', 'source'],
  },
  async run(input, context) {
    const { report } = await reportOf(input, context);
    const id = input.id as string;
    const finding = report.findings.find((f) => f.id === id);
    if (!finding) {
      const kind = id.split('/')[0];
      const alike = report.findings.filter((f) => f.id.split('/')[0] === kind).map((f) => f.id);
      throw new TeamsharkError(
        'finding-not-found',
        `no finding "${id}" in this capture${alike.length ? `; of that kind: ${alike.slice(0, 5).join(', ')}` : ''}`,
      );
    }
    // The kind of finding is the rule that made it (core/findings/rules.ts): the part of the id before "/".
    return { ...finding, rule: id.split('/')[0]!, source: findingSource(id) ?? null };
  },
};
