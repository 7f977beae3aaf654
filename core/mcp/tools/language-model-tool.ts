import { basename } from 'node:path';
import type { AgentTool } from './tool.js';

/**
 * A tool as the VS Code extension contributes it to language models (package.json's
 * contributes.languageModelTools): the same schema, except that a capture's path may be left out, for the
 * capture open in the editor. A test holds package.json equal to this.
 */
export function languageModelToolContribution(tool: AgentTool) {
  const { required = [], ...schema } = tool.inputSchema;
  const stillRequired = required.filter((name) => name !== 'path');
  return {
    name: `teamshark_${tool.name}`,
    toolReferenceName: tool.referenceName,
    displayName: `Teamshark: ${tool.title}`,
    modelDescription: `${tool.description}${'path' in schema.properties ? ' Without path: the capture open in the editor.' : ''}`,
    canBeReferencedInPrompt: true,
    inputSchema: stillRequired.length ? { ...schema, required: stillRequired } : schema,
  };
}

/** A filter as the progress line shows it; the confirmation shows it whole. */
const SHOWN_FILTER = 100;

/**
 * What VS Code shows before and while a tool runs (prepareInvocation): the capture it reads and, for packets,
 * the display filter tshark will apply and the fields it will print. `openCapture` is the capture open in the
 * editor, which a call without a path reads.
 */
export function invocationMessages(tool: AgentTool, input: Record<string, unknown>, openCapture: string | undefined) {
  const target = targetOf(input, openCapture);
  const filter = typeof input.filter === 'string' ? input.filter : undefined;
  if (tool.name === 'packets' && filter !== undefined) {
    const fields = Array.isArray(input.fields) ? ` (fields ${input.fields.join(', ')})` : '';
    const shown = filter.length > SHOWN_FILTER ? `${filter.slice(0, SHOWN_FILTER)}…` : filter;
    return {
      invocationMessage: `Teamshark: packets of ${target} that match "${shown}"`,
      confirmationMessages: {
        title: `Run tshark on ${target}?`,
        message: `Teamshark will read ${target} with tshark and list the packets that match the display filter "${filter}"${fields}. Nothing is written.`,
      },
    };
  }
  return {
    invocationMessage: `Teamshark: ${tool.title.toLowerCase()} (${target})`,
    confirmationMessages: {
      title: `Run tshark on ${target}?`,
      message: `Teamshark will analyse ${target} with tshark, unless this window has analysed it already. Nothing is written.`,
    },
  };
}

/** What a call is about: the captures it names, or the one open in the editor. */
function targetOf(input: Record<string, unknown>, openCapture: string | undefined): string {
  if (Array.isArray(input.paths)) return input.paths.map((p) => basename(String(p))).join(', ');
  if (typeof input.path === 'string' && input.path) return basename(input.path);
  return openCapture ? basename(openCapture) : 'the capture open in the editor';
}
