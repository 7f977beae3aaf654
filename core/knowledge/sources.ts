/**
 * The standard or published document a rule of Teamshark's applies: what an agent (get_finding) or a reader
 * checks the rule against. `section` narrows it where the rule rests on one part.
 */
export interface RuleSource {
  title: string;
  url: string;
  section?: string;
}

/** An IETF RFC, at the RFC Editor's canonical address. */
export function rfc(number: number, title: string, section?: string): RuleSource {
  return {
    title: `RFC ${number}: ${title}`,
    url: `https://www.rfc-editor.org/rfc/rfc${number}`,
    ...(section && { section }),
  };
}

/** The Call Quality Dashboard's poor-stream thresholds, which Teamshark's stream verdicts apply. */
export const CQD_STREAM_CLASSIFICATION_PAGE: RuleSource = {
  title: 'Microsoft Learn: Stream classification in Call Quality Dashboard (CQD)',
  url: 'https://learn.microsoft.com/microsoftteams/stream-classification-in-call-quality-dashboard',
};

/** Teams' network targets (loss, jitter, round trip) from the customer edge to the Microsoft edge. */
export const NETWORK_REQUIREMENTS_PAGE: RuleSource = {
  title: "Microsoft Learn: Prepare your organization's network for Microsoft Teams",
  url: 'https://learn.microsoft.com/microsoftteams/prepare-network',
  section: 'Network requirements from the customer edge to the Microsoft edge',
};

/** The DSCP values Microsoft recommends for Teams media. */
export const QOS_GUIDANCE_PAGE: RuleSource = {
  title: 'Microsoft Learn: Implement Quality of Service (QoS) in Microsoft Teams',
  url: 'https://learn.microsoft.com/microsoftteams/qos-in-teams',
};

/** The policy cipher suites are graded by (core/knowledge/cipher-suites.ts). */
export const MOZILLA_SERVER_SIDE_TLS: RuleSource = {
  title: 'Mozilla Server Side TLS, guidelines 5.7',
  url: 'https://wiki.mozilla.org/Security/Server_Side_TLS',
  section: 'Intermediate and Old configurations',
};

/** A page as a report's text cites it: 'Microsoft Learn, "Title", its section (learn.microsoft.com/…)'. */
export function citedPage(page: RuleSource): string {
  const [publisher, title] = page.title.split(': ');
  const section = page.section ? `, ${page.section[0]!.toLowerCase()}${page.section.slice(1)}` : '';
  return `${publisher}, "${title}"${section} (${page.url.replace(/^https:\/\//, '')})`;
}
