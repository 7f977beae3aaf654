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
