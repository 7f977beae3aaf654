import * as vscode from 'vscode';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ToolInputs } from '../core/mcp/tools/checked-input.js';
import { CAPTURE_TOOLS } from '../core/mcp/tools/index.js';
import { invocationMessages, languageModelToolContribution } from '../core/mcp/tools/language-model-tool.js';
import type { AgentTool, CaptureLocator, ReportSource } from '../core/mcp/tools/tool.js';
import { TeamsharkError } from '../core/util/errors.js';
import type { AnalysisStore } from './analysis-store.js';
import type { CaptureEditorProvider } from './capture-editor.js';
import { analysisSettings } from './settings.js';

/** A tshark run of a tool call (the packets tool) stops after this long; analyses are cancelled with the call. */
const TSHARK_TIMEOUT_MS = 300_000;

type ToolInput = Record<string, unknown>;

/**
 * Teamshark's agent tools (core/mcp/tools) as VS Code language-model tools, for Copilot's agent mode and any
 * chat participant: the same answers as `teamshark mcp`, on the capture a call names or the one open in the
 * editor, from the window's own analyses. In an untrusted workspace they refuse, as the rest of the extension
 * asks before it runs tshark.
 */
export function registerLanguageModelTools(store: AnalysisStore, editor: CaptureEditorProvider): vscode.Disposable {
  const inputs = new ToolInputs((tool) => languageModelToolContribution(tool).inputSchema);
  return vscode.Disposable.from(
    ...CAPTURE_TOOLS.map((tool) =>
      vscode.lm.registerTool<ToolInput>(languageModelToolContribution(tool).name, {
        prepareInvocation: (options) => invocationMessages(tool, options.input, editor.activeCapture?.fsPath),
        invoke: async (options, token) => {
          const answer = await invokeTool(tool, inputs.checked(tool, options.input), store, editor, token);
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(JSON.stringify(answer))]);
        },
      }),
    ),
  );
}

async function invokeTool(
  tool: AgentTool,
  input: ToolInput,
  store: AnalysisStore,
  editor: CaptureEditorProvider,
  token: vscode.CancellationToken,
): Promise<Record<string, unknown>> {
  if (!vscode.workspace.isTrusted)
    throw new TeamsharkError(
      'workspace-untrusted',
      'Teamshark runs no tool in an untrusted workspace: trust the workspace, or open the capture and answer its question',
    );
  const controller = new AbortController();
  const subscription = token.onCancellationRequested(() => controller.abort());
  try {
    return await tool.run(input, {
      roots: new WorkspaceCaptures(store, editor),
      reports: storeReports(store, token),
      signal: controller.signal,
      timeoutMs: TSHARK_TIMEOUT_MS,
      tsharkPath: analysisSettings().tsharkPath,
    });
  } finally {
    subscription.dispose();
  }
}

/** Reports from the window's analysis store: shared with the views and the Captures tree, cancelled with the call. */
function storeReports(store: AnalysisStore, token: vscode.CancellationToken): ReportSource {
  return { of: (capture) => store.analyze(vscode.Uri.file(capture), { token }) };
}

/**
 * The captures a language model may read: inside a workspace folder, or analysed in this window (opened by
 * the user from anywhere); a call without a path means the capture open in the editor.
 */
class WorkspaceCaptures implements CaptureLocator {
  constructor(
    private readonly store: AnalysisStore,
    private readonly editor: CaptureEditorProvider,
  ) {}

  async capture(path: string | undefined): Promise<string> {
    const given = path || this.editor.activeCapture?.fsPath;
    if (!given) throw new TeamsharkError('capture-not-found', 'no capture given, and none is open in the editor');
    const { real, absolute, inWorkspace } = await this.resolve(given);
    const known = this.store.all.some((analysis) => analysis.uri.fsPath === real || analysis.uri.fsPath === absolute);
    if (!known && !inWorkspace)
      throw new TeamsharkError(
        'outside-roots',
        `${given} is neither in the workspace nor a capture opened in this window`,
      );
    if (!(await stat(real)).isFile()) throw new TeamsharkError('not-a-file', `${given} is not a file`);
    return real;
  }

  /** The path's real path (relative paths from the first workspace folder), and whether a workspace folder holds it. */
  private async resolve(given: string): Promise<{ real: string; absolute: string; inWorkspace: boolean }> {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const absolute = isAbsolute(given) ? given : resolve(folders[0] ?? process.cwd(), given);
    const real = await realpath(absolute).catch(() => {
      throw new TeamsharkError('capture-not-found', `${given}: no such file`);
    });
    const realFolders = await Promise.all(folders.map((folder) => realpath(folder).catch(() => folder)));
    const inWorkspace = realFolders.some((folder) => real.startsWith(folder.endsWith(sep) ? folder : folder + sep));
    return { real, absolute, inWorkspace };
  }

  display(real: string): string {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(real));
    return folder ? relative(folder.uri.fsPath, real) : real;
  }
}
