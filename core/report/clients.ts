import type { Report } from '../schema/generated/report.js';
import { groupBy } from '../util/collections.js';

/**
 * The capturing host's addresses and how they were decided, for the summary's "Clients" line: each client
 * address's evidence says how (core/classify/addresses.ts), and addresses decided the same way share it
 * ("130.104.37.81, 2001:… — sends from the capturing host's MAC address …").
 */
export function clientsDecided(report: Report): string {
  const clients = report.addresses.filter((a) => a.role === 'client');
  if (clients.length === 0) return '–';
  return [...groupBy(clients, (a) => a.evidence[0]?.detail ?? '').entries()]
    .map(([how, group]) => `${group.map((a) => a.ip).join(', ')}${how ? ` — ${how}` : ''}`)
    .join('; ');
}
