import * as vscode from 'vscode';
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { evidenceFrom, type Evidence } from '../capture-tree.js';
import type { AnalysisStore } from '../analysis-store.js';
import type { CaptureEditorProvider } from '../capture-editor.js';
import { pickCapture } from '../capture-picker.js';
import { wiresharkPath } from '../settings.js';
import { PROFILE_NAME } from '../../core/wireshark/profile.js';
import { prepareForWireshark } from './annotated-capture.js';

/**
 * "Teamshark: Open in Wireshark": the capture in Wireshark, with the item's display filter applied and its
 * first frame selected — an annotated copy (the findings as packet comments) opened with the Teamshark
 * profile, or, when that cannot be made (no editcap, the analysis failed), the capture itself. Without
 * Wireshark the filter goes to the clipboard instead, so it can be pasted wherever the capture is opened.
 */
export function registerOpenInWiresharkCommand(editor: CaptureEditorProvider, store: AnalysisStore): vscode.Disposable {
  // Called with a Uri (explorer, other extensions), a Captures tree element, a view's right-clicked frame or
  // filter, or nothing (the palette: the active view's or note's capture, else one picked).
  return vscode.commands.registerCommand('teamshark.openInWireshark', async (given?: unknown) => {
    const evidence = evidenceFrom(given);
    const picked = evidence?.uri ?? (await pickCapture(editor, given));
    if (!picked) return;
    const target: Evidence = evidence ?? { uri: picked };
    const wireshark = findWireshark();
    if (!wireshark) {
      if (target.filter) await vscode.env.clipboard.writeText(target.filter);
      void vscode.window.showInformationMessage(
        `Teamshark: Wireshark is not installed here${target.filter ? '; the display filter is on the clipboard' : ''}. Set teamshark.wiresharkPath if it is installed elsewhere.`,
      );
      return;
    }
    const args = ['-r', target.uri.fsPath];
    try {
      const prepared = await prepareForWireshark(store, target.uri);
      args.splice(0, 2, ...(prepared.profile ? ['-C', PROFILE_NAME] : []), '-r', prepared.annotated);
    } catch (error) {
      if (error instanceof vscode.CancellationError) return;
      void vscode.window.showWarningMessage(
        `Teamshark: opening the capture without annotations (${(error as Error).message})`,
      );
    }
    if (target.filter) args.push('-Y', target.filter);
    if (target.frame !== undefined) args.push('-g', String(target.frame));
    const child = spawn(wireshark, args, { detached: true, stdio: 'ignore' });
    child.on(
      'error',
      (error) => void vscode.window.showErrorMessage(`Teamshark: cannot start Wireshark (${error.message})`),
    );
    child.unref();
  });
}

function findWireshark(): string | undefined {
  const configured = wiresharkPath();
  const candidates = configured
    ? [configured]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, 'wireshark'));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
