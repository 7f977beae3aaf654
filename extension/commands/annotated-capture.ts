import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { TeamsharkError } from '../../core/util/errors.js';
import { writeAnnotatedCapture } from '../../core/wireshark/annotate.js';
import { editcapCommand } from '../../core/wireshark/editcap.js';
import { defaultProfileFolder, writeWiresharkProfile } from '../../core/wireshark/profile.js';
import type { AnalysisStore } from '../analysis-store.js';
import type { CaptureEditorProvider } from '../capture-editor.js';
import { givenTarget, pickCapture, reportFailure } from '../capture-picker.js';
import { analysisSettings } from '../settings.js';

/**
 * "Teamshark: Save annotated capture…": a pcapng copy of the capture whose evidence frames carry the
 * findings as packet comments (written by Wireshark's editcap; the capture itself is only read), where the
 * user chooses (or at a target Uri given as second argument; the title bar's context object is not one).
 */
export function registerSaveAnnotatedCaptureCommand(
  store: AnalysisStore,
  editor: CaptureEditorProvider,
): vscode.Disposable {
  return vscode.commands.registerCommand(
    'teamshark.saveAnnotatedCapture',
    async (given?: unknown, targetGiven?: unknown) => {
      let target = givenTarget(targetGiven);
      const capture = await pickCapture(editor, given);
      if (!capture) return undefined;
      try {
        target ??= await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.joinPath(capture, '..', `${annotatedName(capture)}`),
          filters: { 'pcapng capture': ['pcapng'] },
          title: 'Teamshark: save the capture with the findings as packet comments',
        });
        if (!target) return undefined;
        if (target.fsPath === capture.fsPath)
          throw new TeamsharkError(
            'output-is-capture',
            'the annotated copy cannot replace the capture itself: choose another name',
          );
        // The save dialog asked before replacing.
        await writeBeside(target.fsPath, (temporary) => annotate(store, capture, temporary));
        void vscode.window.showInformationMessage(`Teamshark: annotated capture saved to ${target.fsPath}`);
        return target;
      } catch (error) {
        reportFailure(error);
        return undefined;
      }
    },
  );
}

/**
 * For "Open in Wireshark": a fresh annotated copy, one per capture in the temporary folder (replaced, not
 * piled up, each time; a Wireshark still showing the previous one keeps reading it), and the Teamshark
 * profile in place.
 */
export async function prepareForWireshark(
  store: AnalysisStore,
  capture: vscode.Uri,
): Promise<{ annotated: string; profile: boolean }> {
  const folder = join(
    tmpdir(),
    'teamshark-wireshark',
    createHash('sha256').update(capture.fsPath).digest('hex').slice(0, 16),
  );
  await mkdir(folder, { recursive: true });
  const annotated = join(folder, annotatedName(capture));
  await writeBeside(annotated, (temporary) => annotate(store, capture, temporary));
  return { annotated, profile: await ensureProfile() };
}

/** Writes a file beside `path`, then moves it into place. */
async function writeBeside(path: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await write(temporary);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Writes the Teamshark profile when Wireshark has none by that name; a profile already there is the user's to keep. */
async function ensureProfile(): Promise<boolean> {
  const folder = defaultProfileFolder();
  const exists = await lstat(folder).then(
    () => true,
    () => false,
  );
  if (exists) return true;
  try {
    await mkdir(dirname(folder), { recursive: true });
    await writeWiresharkProfile({ folder, force: false });
    return true;
  } catch {
    return false;
  }
}

async function annotate(store: AnalysisStore, capture: vscode.Uri, out: string): Promise<void> {
  const report = await store.analyze(capture);
  await writeAnnotatedCapture(report, {
    editcap: editcapCommand(analysisSettings().tsharkPath),
    capture: capture.fsPath,
    out,
  });
}

function annotatedName(capture: vscode.Uri): string {
  return `${basename(capture.fsPath).replace(/\.(pcapng|pcap|cap)$/i, '')}.teamshark.pcapng`;
}
