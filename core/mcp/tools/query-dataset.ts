import { queryDataset, type Json } from '../../dataset/query.js';
import { NAMED_QUESTIONS } from '../../dataset/questions.js';
import { TeamsharkError } from '../../util/errors.js';
import { AnswerRows, MOST_ROW_CHARS, type AgentTool } from './tool.js';

const DEFAULT_ROWS = 100;
/** Rows an answer holds at most: the rest are counted. */
const MOST_ROWS = 500;
/** A cell longer than this as JSON (a long string, a list from list() or a struct) is cut to this many characters. */
const LONGEST_CELL = 2000;

export const queryDatasetTool: AgentTool = {
  name: 'query_dataset',
  referenceName: 'teamsharkDataset',
  title: 'Query a dataset of captures',
  description: `Answers SQL over a dataset written by \`teamshark export\` (tables: captures, flows, dns_lookups, tls_handshakes, certificates, media_streams, stream_quality, activity_segments, findings, decrypted_requests, manifest), or one of its named questions (${NAMED_QUESTIONS.map((q) => q.name).join(', ')}). Read-only: only queries run, and DuckDB reads nothing outside the dataset. At most ${MOST_ROWS} rows and ${MOST_ROW_CHARS / 1000}k characters, and how many more rows there were; a cell longer than ${LONGEST_CELL} characters as JSON is cut to its first ${LONGEST_CELL} (a list or a struct as JSON text), and cellsCut counts them.`,
  inputSchema: {
    type: 'object',
    properties: {
      dataset: { type: 'string', minLength: 1, description: "The dataset's folder, under the server's roots." },
      query: { type: 'string', minLength: 1, maxLength: 20_000, description: 'SQL, or the name of a question.' },
      limit: { type: 'integer', minimum: 1, maximum: MOST_ROWS, default: DEFAULT_ROWS },
    },
    required: ['dataset', 'query'],
  },
  outputSchema: {
    type: 'object',
    properties: {
      columns: { type: 'array', items: { type: 'string' } },
      rows: { type: 'array', items: { type: 'object' } },
      leftOut: { type: 'integer' },
      cellsCut: { type: 'integer' },
    },
    required: ['columns', 'rows', 'leftOut', 'cellsCut'],
  },
  async run(input, context) {
    if (!context.roots.dataset) throw new TeamsharkError('not-a-dataset', 'this host reads no dataset');
    const dataset = await context.roots.dataset(input.dataset as string);
    const limit = input.limit as number;
    const { columns, rows } = await queryDataset(dataset, input.query as string);
    const answer = new AnswerRows<Record<string, Json>>(limit);
    let cellsCut = 0;
    for (const row of rows) {
      const cut = Object.entries(row).map(([column, value]) => [column, cutCell(value)] as const);
      if (!answer.offer(Object.fromEntries(cut))) break;
      cellsCut += cut.filter(([column, value]) => value !== row[column]).length;
    }
    return { columns, rows: answer.rows, leftOut: rows.length - answer.rows.length, cellsCut };
  },
};

/** A cell as an answer holds it: cut to LONGEST_CELL characters when its JSON is longer. */
function cutCell(value: Json): Json {
  const json = JSON.stringify(value);
  if (json.length <= LONGEST_CELL) return value;
  return (typeof value === 'string' ? value : json).slice(0, LONGEST_CELL);
}
