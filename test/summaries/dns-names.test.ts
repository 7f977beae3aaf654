import assert from 'node:assert/strict';
import { summarizeDnsNames } from '../../core/summaries/dns-names.js';
import { resolvedLookup } from '../builders/capture-model.js';

const NAME = 'api-emea.flightproxy.teams.microsoft.com';
const MANAGER = 'flightproxy-emea-teams.trafficmanager.net';
const HOST = 'flightproxy-frce-05-teams.cloudapp.net';

describe('summaries/dns-names: one row per name asked for', function () {
  // teams-activities/audio-4g-K1AG, frames 380 and 386: the A answer ends at the Traffic Manager name, the AAAA
  // answer goes on to a cloudapp host with no AAAA record.
  const a = resolvedLookup([NAME, MANAGER], ['52.123.159.16'], { queryFrame: 379, responseFrame: 380 });
  const aaaa = resolvedLookup([NAME, MANAGER, HOST], [], { queryFrame: 385, responseFrame: 386 });

  it("shows one response's chain, never one response's aliases joined to another's addresses", function () {
    const [row] = summarizeDnsNames([aaaa, a]);
    assert.deepEqual(row!.aliases, [MANAGER]);
    assert.deepEqual(row!.chainAddresses, ['52.123.159.16']);
  });

  it('keeps every answer in addresses, and the platforms every response reveals', function () {
    const other = resolvedLookup([NAME, MANAGER, HOST], ['52.114.76.109'], { queryFrame: 400, responseFrame: 401 });
    const [row] = summarizeDnsNames([a, aaaa, other]);
    assert.deepEqual(row!.chainAddresses, ['52.123.159.16'], 'only the responses that gave the shown chain');
    assert.deepEqual(row!.addresses, ['52.123.159.16', '52.114.76.109']);
    assert.ok(row!.platforms.length >= 2, `platforms: ${row!.platforms.join(', ')}`);
  });
});
