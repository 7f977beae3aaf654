import { queryDataset } from '../../dataset/query.js';
import { NAMED_QUESTIONS } from '../../dataset/questions.js';
import { TeamsharkError } from '../../util/errors.js';
import { type AgentTool } from './tool.js';

const DEFAULT_ROWS = 100;
/** Rows an answer holds at most: the rest are counted. */
const MOST_ROWS = 500;

export const queryDatasetTool: AgentTool = {
  name: 'query_dataset',
  referenceName: 'teamsharkDataset',
  title: 'Query a dataset of captures',
  description: `Answers SQL over a dataset written by \`teamshark export\` (tables: captures, flows, dns_lookups, tls_handshakes, certificates, media_streams, stream_quality, activity_segments, findings, decrypted_requests, manifest), or one of its named questions (${NAMED_QUESTIONS.map((q) => q.name).join(', ')}). Read-only: only queries run, and DuckDB reads nothing outside the dataset. At most ${MOST_ROWS} rows, and how many more there were.`,
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
    },
    required: ['columns', 'rows', 'leftOut'],
  },
  async run(input, context) {
    if (!context.roots.dataset) throw new TeamsharkError('not-a-dataset', 'this host reads no dataset');
    const dataset = await context.roots.dataset(input.dataset as string);
    const limit = input.limit as number;
    const { columns, rows } = await queryDataset(dataset, input.query as string);
    return { columns, rows: rows.slice(0, limit), leftOut: Math.max(0, rows.length - limit) };
  },
};
