import { Ajv, type ValidateFunction } from 'ajv';
import { describeErrors } from '../../schema/validate.js';
import { TeamsharkError } from '../../util/errors.js';
import type { AgentTool } from './tool.js';

/**
 * Each tool's arguments checked against its own JSON Schema (defaults filled in) before it runs, by whoever
 * calls it: the MCP server, VS Code's language models.
 */
export class ToolInputs {
  private readonly checks = new Map<AgentTool, ValidateFunction>();
  private readonly ajv = new Ajv({ useDefaults: true, strict: false });

  /** `schemaOf`: the schema a caller holds arguments to (the extension's leaves a capture's path out). */
  constructor(private readonly schemaOf: (tool: AgentTool) => object = (tool) => tool.inputSchema) {}

  /** A copy of the arguments with defaults filled in, or a one-line error naming what is wrong. */
  checked(tool: AgentTool, input: unknown): Record<string, unknown> {
    let check = this.checks.get(tool);
    if (!check) this.checks.set(tool, (check = this.ajv.compile(this.schemaOf(tool))));
    const copy: unknown = structuredClone(input ?? {});
    if (!check(copy)) throw new TeamsharkError('invalid-option', `invalid arguments: ${describeErrors(check.errors)}`);
    return copy as Record<string, unknown>;
  }
}
