import { analyzeCaptureTool } from './analyze-capture.js';
import { callQualityTool } from './call-quality.js';
import { compareCapturesTool } from './compare-captures.js';
import { getFindingTool } from './get-finding.js';
import { packetsTool } from './packets.js';
import type { AgentTool } from './tool.js';

/**
 * The tools that read captures, offered by the MCP server and by the VS Code extension to language models, in
 * the order they are listed. Adding one is adding its file and this entry.
 */
export const CAPTURE_TOOLS: readonly AgentTool[] = [
  analyzeCaptureTool,
  getFindingTool,
  callQualityTool,
  packetsTool,
  compareCapturesTool,
];
