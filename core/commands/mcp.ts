import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CaptureRoots } from '../mcp/capture-roots.js';
import { createTeamsharkServer } from '../mcp/server.js';
import { EXIT, usage, type CliValues } from './command-line.js';

/** An analysis or tshark run of one tool call stops after this long unless --timeout says otherwise. */
const DEFAULT_TIMEOUT_SECONDS = 600;

/**
 * `teamshark mcp [--root DIR]...`: a Model Context Protocol server on standard input and output, for an
 * agent's client (VS Code, Claude Desktop, …) to start. It reads captures only under the roots.
 */
export async function run(args: string[], values: CliValues): Promise<number> {
  if (args.length) throw usage('mcp takes no capture: give folders with --root');
  const timeoutSeconds = values.timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(values.timeout);
  if (!(timeoutSeconds > 0 && Number.isFinite(timeoutSeconds)))
    throw usage(`--timeout must be a number of seconds above 0, not "${values.timeout}"`);
  const roots = await CaptureRoots.of(values.root ?? []);
  const server = createTeamsharkServer({ roots, timeoutMs: timeoutSeconds * 1000, tsharkPath: values.tshark });
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  await server.connect(new StdioServerTransport());
  await closed;
  return EXIT.ok;
}
