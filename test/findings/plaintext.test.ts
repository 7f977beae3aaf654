import assert from 'node:assert/strict';
import { plaintext } from '../../core/findings/plaintext.js';
import type { ModelFlow } from '../../core/model/flows.js';
import { flow, resolvedLookup } from '../builders/capture-model.js';
import { factsFrom, findingsOfRule } from '../builders/finding-facts.js';

const httpTo = (server: string, stream: number, protocols = ['http']): ModelFlow =>
  flow({ client: `192.168.1.6:${50000 + stream}`, server, stream, firstFrame: stream * 10, protocols });

describe('findings/plaintext: application protocols in clear text', function () {
  it('states one notice per protocol, naming the servers by what the capture calls them', function () {
    const facts = factsFrom({
      flows: [httpTo('93.184.216.34:80', 1), httpTo('93.184.216.34:80', 2)],
      dns: [resolvedLookup(['example.com'], ['93.184.216.34'])],
    });
    assert.deepEqual(findingsOfRule(plaintext, facts), [
      {
        id: 'plaintext/http',
        section: 'security',
        severity: 'notice',
        title: 'HTTP in clear text in 2 flows',
        detail: 'Unencrypted HTTP to 93.184.216.34:80 (example.com): its content can be read and changed on the path.',
        frames: [10, 20],
        filter: 'tcp.stream eq 1 || tcp.stream eq 2',
      },
    ]);
  });

  it('takes SSDP (HTTP over UDP multicast) for local discovery, not clear-text HTTP', function () {
    const ssdp = httpTo('239.255.255.250:1900', 1, ['ssdp', 'http']);
    assert.deepEqual(findingsOfRule(plaintext, factsFrom({ flows: [ssdp] })), []);
  });

  it('says nothing of TLS', function () {
    assert.deepEqual(findingsOfRule(plaintext, factsFrom({ flows: [httpTo('52.113.194.132:443', 1, ['tls'])] })), []);
  });
});
