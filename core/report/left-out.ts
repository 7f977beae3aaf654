import type { Finding, LeftOut, Report } from '../schema/generated/report.js';

/** The report's capped lists (core/model/capped-list.ts): the section each belongs to, and what its entries are. */
export const CAPPED_LISTS: readonly {
  key: string;
  section: Finding['section'];
  what: string;
  leftOut: (report: Report) => LeftOut | undefined;
}[] = [
  {
    key: 'dns/left-out',
    section: 'dns',
    what: 'DNS transactions',
    leftOut: (report) => report.dns.transactionsLeftOut,
  },
  {
    key: 'network/left-out',
    section: 'network',
    what: 'STUN/TURN messages',
    leftOut: (report) => report.stun.messagesLeftOut,
  },
  { key: 'quality/left-out', section: 'quality', what: 'RTCP reports', leftOut: (report) => report.rtp.rtcpLeftOut },
  {
    key: 'application/left-out',
    section: 'application',
    what: 'SSDP messages',
    leftOut: (report) => report.ssdp.messagesLeftOut,
  },
  {
    key: 'transport/left-out',
    section: 'transport',
    what: 'malformed packets',
    leftOut: (report) => report.capture.malformedPacketsLeftOut,
  },
];

/** The capped lists of one section that did leave entries out, with the sentence that says so. */
export function leftOutIn(
  report: Report,
  section: Finding['section'],
): { key: string; label: string; text: string; filter: string }[] {
  return CAPPED_LISTS.filter((list) => list.section === section).flatMap((list) => {
    const leftOut = list.leftOut(report);
    if (!leftOut) return [];
    // What every renderer prints where a list was capped; the display filter that shows them all follows it.
    const label = `${leftOut.count} more ${list.what} left out`;
    const atEachEnd = (leftOut.total - leftOut.count) / 2;
    const text = `${label}: the JSON report lists the first and last ${atEachEnd} of ${leftOut.total} (those left out start after frame ${leftOut.afterFrame} and before frame ${leftOut.beforeFrame}). This filter shows them all:`;
    return [{ key: list.key, label, text, filter: leftOut.filter }];
  });
}
