import assert from 'node:assert/strict';
import { resolutionChain } from '../../core/model/dns.js';

describe('DNS resolution chains', function () {
  const cname = (name: string, data: string) => ({ name, type: 5, data });
  const a = (name: string, data: string) => ({ name, type: 1, data });

  it('follows CNAMEs from the queried name, whatever order the answers come in, ignoring case', function () {
    const chain = resolutionChain('Config.Teams.Microsoft.com', [
      a('s-0005.s-msedge.net', '52.113.194.132'),
      cname('config.teams.trafficmanager.net', 's-0005.s-msedge.net'),
      cname('config.teams.microsoft.com', 'config.teams.trafficmanager.net'),
    ]);
    assert.deepEqual(chain, {
      names: ['Config.Teams.Microsoft.com', 'config.teams.trafficmanager.net', 's-0005.s-msedge.net'],
      addresses: ['52.113.194.132'],
    });
  });

  it('stops on a CNAME loop instead of spinning', function () {
    const chain = resolutionChain('a.example', [cname('a.example', 'b.example'), cname('b.example', 'a.example')]);
    assert.deepEqual(chain, { names: ['a.example', 'b.example'], addresses: [] });
  });

  it('has no chain when the answers say nothing about the queried name', function () {
    assert.equal(resolutionChain('a.example', []), undefined);
    assert.equal(resolutionChain('a.example', [a('other.example', '192.0.2.1')]), undefined);
  });
});
