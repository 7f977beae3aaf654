import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { renderMarkdown } from '../report/markdown.js';
import { TeamsharkError } from '../util/errors.js';
import { TOOL_VERSION } from '../util/version.js';
import type { CaptureRoots } from './capture-roots.js';
import { ServerReports } from './reports.js';
import { SERVER_TOOLS } from './server-tools.js';
import { ToolInputs } from './tools/checked-input.js';

export interface TeamsharkServerOptions {
  roots: CaptureRoots;
  /** Each analysis or tshark run stops after this long. */
  timeoutMs: number;
  tsharkPath?: string;
}

/** The report of a capture as a resource: its Markdown, as `teamshark analyze` prints it. */
const REPORT_URI = 'teamshark://report/';
const WHY_BAD_PROMPT = 'why-was-this-call-bad';

/**
 * Teamshark as a Model Context Protocol server: the tools of core/mcp/tools, the report of a capture as a
 * resource, and a prompt that asks an agent to answer from findings and quote their frames. Arguments are
 * checked against each tool's schema before it runs; any failure is a tool error of one line (isError), never
 * a crash of the server.
 */
export function createTeamsharkServer(options: TeamsharkServerOptions): Server {
  const reports = new ServerReports();
  const inputs = new ToolInputs();
  const server = new Server(
    { name: 'teamshark', version: TOOL_VERSION },
    {
      capabilities: { tools: {}, resources: {}, prompts: {} },
      instructions:
        'Teamshark analyses packet captures of Microsoft Teams. Answer from its findings, quote their frames and display filters, and say "cannot measure" where Teamshark does.',
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: SERVER_TOOLS.map(({ name, title, description, inputSchema, outputSchema }) => ({
      name,
      title,
      description,
      inputSchema,
      outputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const tool = SERVER_TOOLS.find((t) => t.name === request.params.name);
    if (!tool) return toolError(`no tool named "${request.params.name}"`);
    try {
      const answer = await tool.run(inputs.checked(tool, request.params.arguments), {
        roots: options.roots,
        reports,
        signal: extra.signal,
        timeoutMs: options.timeoutMs,
        tsharkPath: options.tsharkPath,
      });
      return { content: [{ type: 'text', text: JSON.stringify(answer) }], structuredContent: answer };
    } catch (error) {
      // A Teamshark error is one line by construction; anything else (a library's, Node's) may run to a stack.
      return toolError(
        error instanceof TeamsharkError
          ? error.message
          : `internal error: ${firstLine(error instanceof Error ? error.message : String(error))}`,
      );
    }
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [
      {
        uriTemplate: `${REPORT_URI}{path}`,
        name: 'report',
        title: 'Teamshark report',
        description: "The Markdown report of a capture (the path relative to the server's first root).",
        mimeType: 'text/markdown',
      },
    ],
  }));

  server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    const { uri } = request.params;
    if (!uri.startsWith(REPORT_URI)) throw new Error(`unknown resource ${uri}`);
    const capture = await options.roots.capture(decodeURIComponent(uri.slice(REPORT_URI.length)));
    const report = await reports.of(capture, {
      timeoutMs: options.timeoutMs,
      signal: extra.signal,
      tsharkPath: options.tsharkPath,
    });
    // Named as the agent named it: the server's own folders are not the agent's business.
    const named = { ...report, capture: { ...report.capture, file: options.roots.display(capture) } };
    return { contents: [{ uri, mimeType: 'text/markdown', text: renderMarkdown(named) }] };
  });

  server.setRequestHandler(ListPromptsRequestSchema, () => ({
    prompts: [
      {
        name: WHY_BAD_PROMPT,
        title: 'Why was this call bad?',
        description: 'Asks for the causes of a bad Teams call, from the findings of its capture, with their frames.',
        arguments: [{ name: 'path', description: 'The capture of the call', required: true }],
      },
    ],
  }));

  server.setRequestHandler(GetPromptRequestSchema, (request) => {
    if (request.params.name !== WHY_BAD_PROMPT) throw new Error(`no prompt named "${request.params.name}"`);
    const path = request.params.arguments?.path ?? '';
    return {
      description: 'Why was this call bad?',
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: [
              `Why was the Teams call in ${path} bad?`,
              `Call analyze_capture on ${path}, then call_quality, then get_finding for each finding the answers name.`,
              'Answer only from what these tools return. For every cause you give, quote the finding id, its frames and its display filter.',
              'Where Teamshark says a figure cannot be measured or a stream is not judged, say so; do not guess a cause it does not state.',
            ].join('\n'),
          },
        },
      ],
    };
  });

  return server;
}

function firstLine(message: string): string {
  return message.split('\n').find((line) => line.trim()) ?? 'no message';
}

function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
