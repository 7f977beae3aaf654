import assert from 'node:assert/strict';
import { analyzed, sharedCapture } from './helpers.js';

// What protected the name lookups, stated plainly, with the frames that show it.
describe('DNS security', function () {
  it('teams.pcap: every Teams lookup in clear text, and no DNSSEC at all', async function () {
    const report = await analyzed(sharedCapture(this, 'teams.pcap'));
    const cleartext = report.findings.find((f) => f.id === 'dns-cleartext')!;
    assert.match(cleartext.title, /^23 DNS lookups in clear text on port 53$/);
    assert.match(cleartext.detail, /192\.168\.1\.1:53/);
    const dnssec = report.findings.find((f) => f.id === 'dnssec-absent')!;
    assert.match(dnssec.detail, /QR flag only marks a message as a response/);
    assert.ok(!report.findings.some((f) => f.id.startsWith('dns-over-')));
  });

  it('dns_doh.pcap: DNS over HTTPS to mozilla.cloudflare-dns.com', async function () {
    const report = await analyzed(sharedCapture(this, 'dns_doh.pcap'));
    const doh = report.findings.find((f) => f.id === 'dns-over-https/mozilla.cloudflare-dns.com');
    assert.ok(doh, JSON.stringify(report.findings.map((f) => f.id)));
    assert.equal(doh.section, 'security');
    assert.ok(!report.findings.some((f) => f.id === 'dns-cleartext'));
  });

  it('dns_dot.pcap: DNS over TLS to 8.8.8.8 on port 853', async function () {
    const report = await analyzed(sharedCapture(this, 'dns_dot.pcap'));
    assert.ok(report.findings.some((f) => f.id === 'dns-over-tls/8.8.8.8:853'));
  });
});
