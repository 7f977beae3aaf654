import { analyzeCaptureTool } from './analyze-capture.js';
import { callQualityTool } from './call-quality.js';
import { compareCapturesTool } from './compare-captures.js';
import { getFindingTool } from './get-finding.js';
import { packetsTool } from './packets.js';
import type { AgentTool } from './tool.js';

/** Every tool the server offers, in the order it lists them. Adding one is adding its file and this entry. */
export const AGENT_TOOLS: readonly AgentTool[] = [
  analyzeCaptureTool,
  getFindingTool,
  callQualityTool,
  packetsTool,
  compareCapturesTool,
];
