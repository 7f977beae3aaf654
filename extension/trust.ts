import * as vscode from 'vscode';

/**
 * In an untrusted workspace nothing runs until the user says so: analysing means running tshark's
 * dissectors on a file from a stranger. The answer holds for that file until the window closes.
 */
export class UntrustedConsent {
  private readonly allowed = new Set<string>();

  async allows(capture: vscode.Uri): Promise<boolean> {
    if (vscode.workspace.isTrusted || this.allowed.has(capture.toString())) return true;
    const analyse = 'Analyze';
    const answer = await vscode.window.showWarningMessage(
      `This workspace is not trusted. Run tshark on ${vscode.workspace.asRelativePath(capture)}?`,
      {
        modal: true,
        detail:
          'Teamshark decodes the capture with tshark. Captures from strangers can exercise bugs in its dissectors; analyse only what you mean to.',
      },
      analyse,
    );
    if (answer !== analyse) return false;
    this.allowed.add(capture.toString());
    return true;
  }
}
