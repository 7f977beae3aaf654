import { queryDataset, renderQuestionList, renderTable } from '../dataset/query.js';
import { EXIT, usage, type CliValues } from './command-line.js';
import { writeStdout } from './output.js';

/** `teamshark query DATASET SQL|QUESTION` as a Markdown table or JSON, and `query --list`: the named questions. */
export async function run(args: string[], values: CliValues): Promise<number> {
  const json = values.format === 'json';
  if (values.format !== undefined && !json && values.format !== 'md')
    throw usage(`query prints md or json, not "${values.format}"`);
  if (values.list ? args.length > 1 : args.length !== 2)
    throw usage('query needs DATASET and "SQL" (or a question\'s name), or --list');
  if (values.list) {
    await writeStdout(renderQuestionList());
    return EXIT.ok;
  }
  const result = await queryDataset(args[0]!, args[1]!, { allowWrite: values['allow-write'] });
  await writeStdout(json ? `${JSON.stringify(result.rows, null, 2)}\n` : renderTable(result));
  return EXIT.ok;
}
