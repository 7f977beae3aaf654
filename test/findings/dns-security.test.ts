import assert from 'node:assert/strict';
import { dnsSecurity } from '../../core/findings/dns-security.js';
import type { CaptureModel } from '../../core/model/capture-model.js';
import { clientHello, dnsTransaction, flow, tlsHandshake } from '../builders/capture-model.js';
import { factsFrom, findingsOfRule } from '../builders/finding-facts.js';

const findings = (parts: Partial<CaptureModel>) => findingsOfRule(dnsSecurity, factsFrom(parts));
const ids = (parts: Partial<CaptureModel>) => findings(parts).map((f) => f.id);

describe('findings/dns-security: what protected the name lookups', function () {
  it('states plain DNS on port 53 as a notice, with every query and response frame', function () {
    const [cleartext] = findings({
      dns: [
        dnsTransaction({ name: 'teams.microsoft.com', queryFrame: 7, responseFrame: 9 }),
        dnsTransaction({ name: 'config.teams.microsoft.com', queryFrame: 3, responseFrame: 4 }),
      ],
    });
    assert.deepEqual(cleartext, {
      id: 'dns-cleartext',
      section: 'security',
      severity: 'notice',
      title: '2 DNS lookups in clear text on port 53',
      detail:
        'Resolvers 192.168.1.1:53. Anyone on the path can read these names and, without DNSSEC, forge the answers.',
      frames: [3, 4, 7, 9],
      filter: 'dns && (udp.port == 53 || tcp.port == 53) && !(ip.addr == 127.0.0.0/8 || ipv6.addr == ::1)',
    });
  });

  it('keeps lookups to a resolver on the host itself (127.0.0.53) apart from the clear-text ones: they never leave it', function () {
    const stub = dnsTransaction({
      name: 'teams.microsoft.com',
      server: '127.0.0.53:53',
      queryFrame: 1,
      responseFrame: 2,
    });
    const upstream = dnsTransaction({ name: 'teams.microsoft.com', queryFrame: 5, responseFrame: 6 });
    const [onHost, cleartext] = findings({ dns: [stub, upstream] });
    assert.equal(onHost!.id, 'dns-loopback-stub');
    assert.equal(onHost!.title, '1 DNS lookup to a resolver on the capturing host itself (127.0.0.53:53)');
    assert.deepEqual(onHost!.frames, [1, 2]);
    assert.equal(onHost!.severity, 'info');
    assert.equal(cleartext!.title, '1 DNS lookup in clear text on port 53');
    assert.deepEqual(cleartext!.frames, [5, 6]);
  });

  it('counts responses whose query the capture missed apart, as responses', function () {
    const [onlyResponses] = findings({ dns: [dnsTransaction({ name: 'a.example', queryFrame: undefined })] });
    assert.equal(
      onlyResponses!.title,
      '1 DNS response in clear text on port 53 (their queries are not in the capture)',
    );
    const [mixed] = findings({
      dns: [dnsTransaction({ name: 'a.example' }), dnsTransaction({ name: 'b.example', queryFrame: undefined })],
    });
    assert.equal(mixed!.title, '1 DNS lookup in clear text on port 53');
    assert.match(mixed!.detail, /; besides, 1 response whose query the capture missed\./);
  });

  it('says DNSSEC is absent when no query sets DO, no response sets AD and none carries signatures', function () {
    const absent = findings({ dns: [dnsTransaction({ name: 'a.example' })] }).find((f) => f.id === 'dnssec-absent');
    assert.equal(absent?.severity, 'notice');
    assert.match(absent!.detail, /QR flag only marks a message as a response/);
  });

  it('says DNSSEC is used when a query asks for it, counting queries and validated answers', function () {
    const dns = [
      dnsTransaction({ name: 'a.example', dnssecOk: true, queryFrame: 1, responseFrame: 2 }),
      dnsTransaction({ name: 'b.example', queryFrame: 3, responseFrame: 4 }),
    ];
    assert.deepEqual(ids({ dns }), ['dns-cleartext', 'dnssec-used']);
    const used = findings({ dns })[1]!;
    assert.equal(used.severity, 'info');
    assert.equal(used.title, 'DNSSEC: 1 query asks for it, 0 answers are validated');
    assert.deepEqual(used.frames, [1]);
  });

  it('leaves mDNS and DNS on other ports out of the clear-text count', function () {
    assert.deepEqual(ids({ dns: [dnsTransaction({ name: 'printer.local', protocol: 'mdns' })] }), []);
    assert.deepEqual(ids({ dns: [dnsTransaction({ name: 'a.example', server: '192.168.1.1:5353' })] }), []);
  });

  it('names DNS over TLS by its server, from the flow on TCP 853', function () {
    const [dot] = findings({ flows: [flow({ client: '192.168.1.6:50000', server: '8.8.8.8:853', stream: 5 })] });
    assert.equal(dot!.id, 'dns-over-tls/8.8.8.8:853');
    assert.equal(dot!.title, 'DNS over TLS to 8.8.8.8:853');
    assert.equal(dot!.filter, 'tcp.stream eq 5');
  });

  it('names DNS over HTTPS by the public resolver the SNI names, and not other HTTPS', function () {
    const doh = tlsHandshake({
      server: '104.16.248.249:443',
      clientHello: clientHello({ frame: 12, sni: 'mozilla.cloudflare-dns.com' }),
    });
    const [finding] = findings({ tls: [doh] });
    assert.equal(finding!.id, 'dns-over-https/mozilla.cloudflare-dns.com');
    assert.deepEqual(finding!.frames, [12]);
    assert.equal(finding!.filter, 'tls.handshake.extensions_server_name == "mozilla.cloudflare-dns.com"');
    const teams = tlsHandshake({
      server: '52.113.194.132:443',
      clientHello: clientHello({ sni: 'teams.microsoft.com' }),
    });
    assert.deepEqual(ids({ tls: [teams] }), []);
  });
});
