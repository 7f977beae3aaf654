import * as vscode from 'vscode';
import type { CaptureEditorProvider } from './capture-editor.js';
import { isNote, labelOf, linkedCaptures } from './notes/links.js';

export const CAPTURE_FILTERS = { 'Packet captures': ['pcap', 'pcapng', 'cap'], 'All files': ['*'] };

/**
 * The capture a command works on: the one it was given (explorer, tree), the one in the active analysis
 * view, the one the active note links to (asked which when it links to several), or one the user picks.
 */
export async function pickCapture(editor: CaptureEditorProvider, given?: unknown): Promise<vscode.Uri | undefined> {
  if (given instanceof vscode.Uri) return given;
  const active = editor.activeCapture;
  if (active) return active;
  const note = vscode.window.activeTextEditor?.document;
  const linked = note && isNote(note) ? linkedCaptures(note).map(({ uri }) => uri) : [];
  if (linked.length === 1) return linked[0];
  if (linked.length > 1)
    return (
      await vscode.window.showQuickPick(
        linked.map((uri) => ({ label: labelOf(uri), description: vscode.workspace.asRelativePath(uri), uri })),
        { title: 'Teamshark: which of the note’s captures?' },
      )
    )?.uri;
  const [picked] =
    (await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: CAPTURE_FILTERS,
      openLabel: 'Analyze',
      title: 'Teamshark: capture to analyse',
    })) ?? [];
  return picked;
}

/**
 * A command's target file when it was given one. The editor title bar passes (resource, context object) and a
 * context menu (element, selection): only a Uri is a target.
 */
export function givenTarget(value: unknown): vscode.Uri | undefined {
  return value instanceof vscode.Uri ? value : undefined;
}

/** Shows why a command failed, in one line; a cancellation is the user's choice and needs no message. */
export function reportFailure(error: unknown): void {
  if (error instanceof vscode.CancellationError) return;
  void vscode.window.showErrorMessage(`Teamshark: ${(error as Error).message}`);
}
