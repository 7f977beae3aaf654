import * as vscode from 'vscode';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TeamsharkApi } from '../../../extension/extension.js';

export { commandLine, isRunning, threadCount, tsharkChildren } from '../../process-table.js';

/** Helpers for tests in the extension host. The bundle sits in dist/test/suite, three levels below the repo. */
export const REPO = resolve(__dirname, '../../..');
export const SHARED_CAPTURES = resolve(REPO, '../shared/captures');

export function sharedCapture(name: string): vscode.Uri {
  const path = join(SHARED_CAPTURES, name);
  if (!existsSync(path))
    throw new Error(`${path} is missing: the extension tests read the real captures beside the checkout`);
  return vscode.Uri.file(path);
}

export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new Error('the extension tests need a workspace folder (the runner opens one)');
  return folder;
}

export async function teamshark(): Promise<TeamsharkApi> {
  const extension = vscode.extensions.getExtension<TeamsharkApi>('teamshark.teamshark');
  if (!extension) throw new Error('the Teamshark extension is not installed in this host');
  return extension.activate();
}

export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A capture of many packets (teams.pcap appended to itself), so that an analysis lasts long enough to cancel. */
export function largeCapture(path: string, copies: number): vscode.Uri {
  const source = sharedCapture('teams.pcap').fsPath;
  execFileSync('mergecap', ['-a', '-F', 'pcap', '-w', path, ...Array<string>(copies).fill(source)]);
  return vscode.Uri.file(path);
}

/** A tree item's label as text: VS Code allows a string or a TreeItemLabel (text with highlights). */
export function labelText(item: vscode.TreeItem): string {
  const label = item.label;
  return typeof label === 'object' ? label.label : String(label);
}
