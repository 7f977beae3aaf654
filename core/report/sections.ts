import type { Finding } from '../schema/generated/report.js';

export type SectionId = Finding['section'];

/**
 * The report's sections, in the order a network-course report takes them: every rendering (Markdown, HTML,
 * the view, the Captures tree, notes) lists them from here.
 */
export const REPORT_SECTIONS: readonly { id: SectionId; title: string }[] = [
  { id: 'dns', title: 'DNS' },
  { id: 'network', title: 'Network' },
  { id: 'transport', title: 'Transport' },
  { id: 'security', title: 'Security' },
  { id: 'application', title: 'Application' },
  { id: 'quality', title: 'Call quality' },
];

export function sectionTitle(id: SectionId): string {
  return REPORT_SECTIONS.find((s) => s.id === id)!.title;
}
