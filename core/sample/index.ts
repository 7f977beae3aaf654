import { TeamsharkError } from '../errors.js';
import { Session, type SessionOptions } from './session.js';
import type { SampleTruth } from './truth.js';
import { defaultSession } from './scenarios/default.js';
import { CLIENT, ROUTER } from './scenarios/common.js';

export interface Scenario {
  name: string;
  description: string;
  session?: Partial<SessionOptions>;
  write: (session: Session) => void;
}

export interface WrittenSample {
  pcapng: Buffer;
  truth: SampleTruth;
  /** Per frame, the protocol stack tshark must decode (frame.protocols). */
  stacks: string[];
}

export const DEFAULT_SEED = 1;

export const SCENARIOS: readonly Scenario[] = [
  { name: 'default', description: 'a short Teams session: start-up DNS, sign-in, TLS 1.2 and 1.3, QUIC, chat, telemetry, a relayed call with audio, video and screen sharing, SSDP', write: defaultSession },
];

export function scenarioNamed(name: string): Scenario {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new TeamsharkError(`unknown scenario "${name}": teamshark sample --list shows them`);
  return scenario;
}

/** Writes a scenario: the pcapng bytes, its ground truth and the protocol stack of every frame. */
export function writeSample(name = 'default', seed = DEFAULT_SEED): WrittenSample {
  const scenario = scenarioNamed(name);
  const session = new Session({ seed, link: 'ethernet', client: CLIENT, resolver: ROUTER, ...scenario.session });
  scenario.write(session);
  return session.finish(scenario.name, scenario.description);
}
