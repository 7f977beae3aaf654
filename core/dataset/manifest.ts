import type { TableDefinition } from './schema.js';

/** One capture's line in the dataset's manifest: written last, in the capture's own partition, so no file is shared. */
export interface ManifestRecord {
  file: string;
  fileBytes: number;
  status: 'ok' | 'failed';
  /** The one-line error of a failed analysis. */
  error: string | null;
  toolVersion: string;
  datasetSchemaVersion: string;
  tsharkVersion: string | null;
  exportedAt: string;
  analysisSec: number;
}

export const MANIFEST_TABLE: TableDefinition<ManifestRecord, ManifestRecord> = {
  name: 'manifest',
  description:
    'Which captures the dataset holds, and which failed: written last for each capture, so a capture’s rows count once its manifest record exists.',
  grain: 'capture exported (or failed)',
  rows: (record) => [record],
  columns: [
    { name: 'file', type: 'string', description: 'The capture path as given to teamshark', value: (m) => m.file },
    {
      name: 'file_bytes',
      type: 'int',
      unit: 'bytes',
      description: 'Size of the capture file',
      value: (m) => m.fileBytes,
    },
    {
      name: 'status',
      type: 'string',
      description: 'ok (its rows are in the tables) or failed',
      value: (m) => m.status,
    },
    {
      name: 'error',
      type: 'string',
      description: 'Why the analysis failed, in one line; null when ok',
      value: (m) => m.error,
    },
    {
      name: 'tool_version',
      type: 'string',
      description: 'Teamshark version that wrote the partition',
      value: (m) => m.toolVersion,
    },
    {
      name: 'dataset_schema_version',
      type: 'string',
      description: 'Version of these table definitions (semver)',
      value: (m) => m.datasetSchemaVersion,
    },
    {
      name: 'tshark_version',
      type: 'string',
      description: 'tshark that decoded the capture',
      value: (m) => m.tsharkVersion,
    },
    {
      name: 'exported_at',
      type: 'timestamp',
      description: 'When the partition was written (UTC)',
      value: (m) => m.exportedAt,
    },
    {
      name: 'analysis_sec',
      type: 'float',
      unit: 's',
      description: 'Time the analysis took',
      value: (m) => m.analysisSec,
    },
  ],
};
