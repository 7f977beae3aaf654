import * as vscode from 'vscode';
import type { CaptureEditorProvider } from './capture-editor.js';

export const CAPTURE_FILTERS = { 'Packet captures': ['pcap', 'pcapng', 'cap'], 'All files': ['*'] };

/**
 * The capture a command works on: the one it was given (explorer, tree), the one in the active analysis
 * view, or one the user picks.
 */
export async function pickCapture(editor: CaptureEditorProvider, given?: unknown): Promise<vscode.Uri | undefined> {
  if (given instanceof vscode.Uri) return given;
  const active = editor.activeCapture;
  if (active) return active;
  const [picked] =
    (await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: CAPTURE_FILTERS,
      openLabel: 'Analyze',
      title: 'Teamshark: capture to analyse',
    })) ?? [];
  return picked;
}

/** Shows why a command failed, in one line; a cancellation is the user's choice and needs no message. */
export function reportFailure(error: unknown): void {
  if (error instanceof vscode.CancellationError) return;
  void vscode.window.showErrorMessage(`Teamshark: ${(error as Error).message}`);
}
