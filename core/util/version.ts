import packageJson from '../../package.json' with { type: 'json' };

export const TOOL_VERSION: string = packageJson.version;

/** Bumped on any change to core/schema/report.schema.json: major when a field is renamed or removed. */
export const REPORT_SCHEMA_VERSION = '1.5.0';
