import { execa } from 'execa';

export interface NdpiFlow {
  transport: string;
  endpoints: [string, string];
  label: string;
}

/** "192.168.1.6:60543" or "[fe80::1]:5353" → "192.168.1.6:60543" / "[fe80::1]:5353", as formatEndpoint writes them. */
const FLOW_LINE = /^\s*\d+\s+(TCP|UDP)\s+(\S+) <-> (\S+) \[proto: [\d.]+\/([^\]]+)\]/;

/** The flows ndpiReader (Debian's libndpi-bin) finds in a capture, with the protocol label it gives each. */
export async function ndpiFlows(capture: string): Promise<NdpiFlow[]> {
  const { stdout } = await execa('ndpiReader', ['-i', capture, '-v', '2'], { timeout: 120_000 });
  return stdout.split('\n').flatMap((line) => {
    const match = FLOW_LINE.exec(line);
    if (!match) return [];
    const [, transport, a, b, label] = match;
    return [{ transport: transport!.toLowerCase(), endpoints: [a!, b!].sort() as [string, string], label: label! }];
  });
}

/** nDPI's Teams family: Teams, Skype_Teams, SkypeCall/Skype_TeamsCall, over TLS, DNS or STUN. */
export function ndpiSaysTeams(label: string): boolean {
  return /Teams|Skype/i.test(label);
}

/** Labels of applications that are not Microsoft's at all. */
export function ndpiSaysOtherApp(label: string): boolean {
  return /Dropbox|Spotify|Apple|Telegram|ntop|Google|Zoom|Webex|WhatsApp|Facebook|Amazon|Netflix|YouTube/i.test(label);
}
