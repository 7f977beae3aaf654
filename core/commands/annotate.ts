import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TeamsharkError } from '../util/errors.js';
import { analysisSettings, countOptions, formatOption, refuseSampleOptions, withAnalysis } from './analysis.js';
import { EXIT, usage, type CliValues } from './command-line.js';
import { isDirectory, refuseExisting, writeAtomically } from './output.js';

/**
 * `teamshark annotate <capture> --out ANNOTATED.pcapng`: the analysis, then editcap writes a copy of the capture
 * whose evidence frames carry the findings (moved into place like a report); the capture is only read.
 */
export async function run(captures: string[], values: CliValues): Promise<number> {
  refuseSampleOptions(values);
  formatOption(values);
  const counts = countOptions(values);
  if (captures.length !== 1) throw usage('annotate takes one capture');
  const [capture] = captures as [string];
  const { out, force, keylog } = values;
  if (!out) throw usage('annotate needs --out ANNOTATED.pcapng');
  const settings = analysisSettings(values, captures, false, counts);
  return withAnalysis(values, settings, async (analysis) => {
    if (!force) await refuseExisting(out);
    if (capture === '-')
      throw new TeamsharkError(
        'needs-capture-file',
        'annotate needs a capture file, not standard input: editcap reads it after the analysis',
      );
    if (await sameFile(capture, out))
      throw new TeamsharkError(
        'output-is-capture',
        `${out}: is the capture itself: annotate never modifies the capture, choose another --out`,
      );
    // Said before the analysis, not after it: editcap would name its temporary file instead.
    if (!(await isDirectory(dirname(out))))
      throw new TeamsharkError('write-failed', `cannot write ${out}: its folder does not exist`);
    const [{ checkEditcap, editcapCommand }, { frameComments, writeAnnotatedCapture }] = await Promise.all([
      import('../wireshark/editcap.js'),
      import('../wireshark/annotate.js'),
    ]);
    const editcap = editcapCommand(values.tshark);
    await checkEditcap(editcap);
    const report = await analysis.analyze(capture);
    await writeAtomically(
      out,
      (temporary) =>
        writeAnnotatedCapture(report, { editcap, capture, out: temporary, keylog, signal: analysis.signal }),
      force,
    );
    const annotated = frameComments(report.findings).size;
    process.stderr.write(
      `teamshark: ${out}: ${annotated} frame(s) annotated with ${report.findings.length} finding(s)\n`,
    );
    if (keylog)
      process.stderr.write(
        `teamshark: warning: ${out} now holds the TLS keys of ${keylog}: whoever has the file can decrypt the sessions\n`,
      );
    return EXIT.ok;
  });
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)]);
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}
