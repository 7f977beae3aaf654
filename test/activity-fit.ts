import { classifyActivity, type ActivityInputs, type ActivityThresholds } from '../core/classify/activity.js';

/** A capture with its label, its network and what the activity classifier reads. */
export interface LabelledCapture {
  file: string;
  label: string;
  network: string;
  inputs: ActivityInputs;
}

/** The values tried: a messaging exchange's bytes each way, a file transfer's bytes one way. */
export const CHAT_EXCHANGE_GRID = [50, 100, 150, 200, 300, 400, 600, 800, 1200, 1600];
export const FILE_TRANSFER_GRID = [
  50_000, 100_000, 150_000, 200_000, 300_000, 400_000, 600_000, 800_000, 1_000_000, 1_500_000,
];

export function dominantOf(capture: LabelledCapture, thresholds?: ActivityThresholds): string {
  return classifyActivity({ ...capture.inputs, thresholds }).application.dominantActivity;
}

export function accuracy(captures: readonly LabelledCapture[], thresholds: ActivityThresholds): number {
  return captures.filter((c) => dominantOf(c, thresholds) === c.label).length / captures.length;
}

function median<T>(values: readonly T[]): T {
  return values[Math.floor((values.length - 1) / 2)]!;
}

/**
 * The fit, the only way the thresholds are tuned: every pair of grid values is tried on the training
 * captures; among the pairs with the best accuracy, the chat threshold is the median of their chat values
 * and the file threshold the median of the file values that go with it. The median keeps the threshold away
 * from both edges of what the training data allows, rather than on the edge of one capture.
 */
export function fitThresholds(training: readonly LabelledCapture[]): ActivityThresholds {
  const scored = CHAT_EXCHANGE_GRID.flatMap((chatExchangeBytes) =>
    FILE_TRANSFER_GRID.map((fileTransferBytes) => ({
      chatExchangeBytes,
      fileTransferBytes,
      score: accuracy(training, { chatExchangeBytes, fileTransferBytes }),
    })),
  );
  const best = Math.max(...scored.map((s) => s.score));
  const optimal = scored.filter((s) => s.score === best);
  const chatExchangeBytes = median([...new Set(optimal.map((s) => s.chatExchangeBytes))].sort((a, b) => a - b));
  const fileTransferBytes = median(
    optimal
      .filter((s) => s.chatExchangeBytes === chatExchangeBytes)
      .map((s) => s.fileTransferBytes)
      .sort((a, b) => a - b),
  );
  return { chatExchangeBytes, fileTransferBytes };
}
