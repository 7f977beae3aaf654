import * as vscode from 'vscode';

/**
 * In an untrusted workspace nothing runs until the user says so: analysing means running tshark's
 * dissectors on a file from a stranger. The answer holds for that file until the window closes. Callers
 * that ask while the question is open (the view, the tree, a note) share it: the user is asked once.
 */
export class UntrustedConsent {
  private readonly allowed = new Set<string>();
  private readonly asking = new Map<string, Promise<boolean>>();

  async allows(capture: vscode.Uri): Promise<boolean> {
    const key = capture.toString();
    if (vscode.workspace.isTrusted || this.allowed.has(key)) return true;
    let answer = this.asking.get(key);
    if (!answer) {
      answer = this.ask(capture).finally(() => this.asking.delete(key));
      this.asking.set(key, answer);
    }
    return await answer;
  }

  private async ask(capture: vscode.Uri): Promise<boolean> {
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
