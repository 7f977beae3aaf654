import assert from 'node:assert/strict';
import { dnsAuthorities, dnsCnameChains, dnsLoadBalancing } from '../../core/findings/dns-records.js';
import type { FindingRule } from '../../core/findings/finding.js';
import type { DnsTransaction } from '../../core/schema/generated/report.js';
import { code, dnsTransaction, record, resolvedLookup } from '../builders/capture-model.js';
import { factsFrom, findingsOfRule } from '../builders/finding-facts.js';

const findings = (rule: FindingRule, dns: DnsTransaction[]) => findingsOfRule(rule, factsFrom({ dns }));

const CONFIG = ['config.teams.microsoft.com', 'config.teams.trafficmanager.net', 's-0005.s-msedge.net'] as [
  string,
  ...string[],
];

describe('findings/dns-records: what the DNS answers show', function () {
  describe('CNAME chains', function () {
    it('states each aliased name once, with its chain, addresses and both frames of every lookup', function () {
      const dns = [
        resolvedLookup(CONFIG, ['52.113.194.132'], { queryFrame: 1, responseFrame: 2 }),
        resolvedLookup(CONFIG, ['52.113.194.132'], { queryFrame: 5, responseFrame: 6 }),
      ];
      assert.deepEqual(findings(dnsCnameChains, dns), [
        {
          id: 'dns-cname-chain/config.teams.microsoft.com',
          section: 'dns',
          severity: 'info',
          title: 'config.teams.microsoft.com resolves through 2 aliases',
          detail:
            'config.teams.microsoft.com → config.teams.trafficmanager.net → s-0005.s-msedge.net → 52.113.194.132 (2 responses)',
          frames: [1, 2, 5, 6],
          filter: 'dns.qry.name == "config.teams.microsoft.com"',
        },
      ]);
    });

    it('lists each distinct chain when the answers differ', function () {
      const other = ['config.teams.microsoft.com', 'config.teams.trafficmanager.net', 's-0004.s-msedge.net'] as [
        string,
        ...string[],
      ];
      const [finding] = findings(dnsCnameChains, [resolvedLookup(CONFIG, []), resolvedLookup(other, [])]);
      assert.equal(finding!.title, 'config.teams.microsoft.com resolves through 2 different alias chains');
    });

    it('says nothing of a name answered without an alias, or looked up by mDNS', function () {
      assert.deepEqual(findings(dnsCnameChains, [resolvedLookup(['teams.microsoft.com'], ['52.113.194.132'])]), []);
      assert.deepEqual(findings(dnsCnameChains, [resolvedLookup(CONFIG, [], { protocol: 'mdns' })]), []);
    });
  });

  describe('authorities', function () {
    it('names the primary name server an SOA record gives, per server, with the response frames', function () {
      const soa = (name: string, responseFrame: number) =>
        dnsTransaction({
          name,
          responseFrame,
          authority: [record('microsoft.com', code(6, 'SOA'), 'ns1-39.azure-dns.com')],
        });
      const [finding] = findings(dnsAuthorities, [soa('a.microsoft.com', 4), soa('b.microsoft.com', 8)]);
      assert.equal(finding!.id, 'dns-soa/ns1-39.azure-dns.com');
      assert.equal(finding!.title, 'ns1-39.azure-dns.com is the primary name server of microsoft.com');
      assert.deepEqual(finding!.frames, [4, 8]);
      assert.equal(finding!.filter, 'dns.soa.mname == "ns1-39.azure-dns.com"');
    });

    it('names authoritative name servers from NS records, and nothing without authority records', function () {
      const ns = dnsTransaction({
        name: 'x.example',
        authority: [record('example', code(2, 'NS'), 'a.iana-servers.net')],
      });
      assert.deepEqual(
        findings(dnsAuthorities, [ns]).map((f) => f.title),
        ['a.iana-servers.net is an authoritative name server of example'],
      );
      assert.deepEqual(findings(dnsAuthorities, [dnsTransaction({ name: 'x.example' })]), []);
    });
  });

  describe('load balancing', function () {
    it('states a name whose answers changed between responses, with the responses', function () {
      const dns = [
        resolvedLookup(['teams.microsoft.com'], ['52.113.194.132'], { responseFrame: 2 }),
        resolvedLookup(['teams.microsoft.com'], ['52.113.194.133'], { responseFrame: 12 }),
      ];
      const [finding] = findings(dnsLoadBalancing, dns);
      assert.equal(finding!.id, 'dns-load-balanced/teams.microsoft.com');
      assert.equal(finding!.title, 'teams.microsoft.com (A) got 2 different answers');
      assert.deepEqual(finding!.frames, [2, 12]);
      assert.equal(finding!.filter, 'dns.qry.name == "teams.microsoft.com" && dns.flags.response == 1');
    });

    it('sees the same addresses in another order as the same answer', function () {
      const dns = [
        resolvedLookup(['teams.microsoft.com'], ['192.0.2.1', '192.0.2.2']),
        resolvedLookup(['teams.microsoft.com'], ['192.0.2.2', '192.0.2.1']),
      ];
      assert.deepEqual(findings(dnsLoadBalancing, dns), []);
    });
  });
});
