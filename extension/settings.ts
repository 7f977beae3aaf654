import * as vscode from 'vscode';
import type { AnalyzeOptions } from '../core/analyze.js';

/**
 * What the analysis runs with. tshark's path and options are read from user (machine) settings only: a
 * workspace — a folder from a stranger — must not choose which program runs or with which options, so a
 * workspace value is ignored even where VS Code would apply it.
 */
export function analysisSettings(): Pick<AnalyzeOptions, 'tsharkPath' | 'tsharkOptions' | 'activityWindowSec'> {
  const config = vscode.workspace.getConfiguration('teamshark');
  const tsharkPath = userValue<string>(config, 'tsharkPath')?.trim();
  const rules = userValue<string[]>(config, 'tsharkOptions') ?? [];
  const window = config.get<number>('activityWindowSeconds', 0);
  return {
    tsharkPath: tsharkPath || undefined,
    tsharkOptions: rules
      .filter((rule) => typeof rule === 'string' && rule.trim())
      .flatMap((rule) => ['-d', rule.trim()]),
    activityWindowSec: window > 0 ? window : undefined,
  };
}

/** The Wireshark to open captures in, from user settings only (see above). */
export function wiresharkPath(): string | undefined {
  return userValue<string>(vscode.workspace.getConfiguration('teamshark'), 'wiresharkPath')?.trim() || undefined;
}

function userValue<T>(config: vscode.WorkspaceConfiguration, key: string): T | undefined {
  return config.inspect<T>(key)?.globalValue;
}
