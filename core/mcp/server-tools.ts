import { CAPTURE_TOOLS } from './tools/index.js';
import { queryDatasetTool } from './tools/query-dataset.js';
import type { AgentTool } from './tools/tool.js';

/** What the MCP server offers: the capture tools, and queries over datasets (DuckDB, which the extension does not bundle). */
export const SERVER_TOOLS: readonly AgentTool[] = [...CAPTURE_TOOLS, queryDatasetTool];
