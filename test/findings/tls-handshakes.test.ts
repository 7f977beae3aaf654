import assert from 'node:assert/strict';
import { certificateValidity, tlsVersions } from '../../core/findings/tls-handshakes.js';
import type { TlsHandshake } from '../../core/schema/generated/report.js';
import {
  captureModel,
  certificate,
  clientHello,
  code,
  serverHello,
  TLS_1_0,
  TLS_1_2,
  TLS_1_3,
  tlsHandshake,
} from '../builders/capture-model.js';
import { factsFrom, findingsOfRule } from '../builders/finding-facts.js';

const negotiated = (sni: string, frame: number, version = TLS_1_2, legacyVersion = TLS_1_2): TlsHandshake =>
  tlsHandshake({
    server: '52.113.194.132:443',
    clientHello: clientHello({ sni }),
    serverHello: serverHello({ frame, version, legacyVersion }),
  });

describe('findings/tls-handshakes: negotiated versions and certificate dates', function () {
  describe('TLS versions', function () {
    it('states each negotiated version with the servers, filtering on the ServerHello version field', function () {
      const tls = [negotiated('teams.microsoft.com', 6), negotiated('login.microsoftonline.com', 16)];
      assert.deepEqual(findingsOfRule(tlsVersions, factsFrom({ tls })), [
        {
          id: 'tls-version/tls-1.2',
          section: 'security',
          severity: 'info',
          title: 'TLS 1.2 negotiated in 2 handshakes',
          detail: 'Servers: teams.microsoft.com, login.microsoftonline.com',
          frames: [6, 16],
          filter:
            'tls.handshake.type == 2 && tls.handshake.version == 0x0303 && !tls.handshake.extensions.supported_version',
        },
      ]);
    });

    it('reads TLS 1.3 from the supported_versions extension, not the legacy version', function () {
      const [finding] = findingsOfRule(tlsVersions, factsFrom({ tls: [negotiated('a.example', 6, TLS_1_3)] }));
      assert.equal(finding!.id, 'tls-version/tls-1.3');
      assert.equal(finding!.filter, 'tls.handshake.type == 2 && tls.handshake.extensions.supported_version == 0x0304');
    });

    it('warns of TLS 1.1 and older as deprecated (RFC 8996)', function () {
      const [finding] = findingsOfRule(
        tlsVersions,
        factsFrom({ tls: [negotiated('old.example', 6, TLS_1_0, TLS_1_0)] }),
      );
      assert.equal(finding!.severity, 'warning');
      assert.match(finding!.detail, /deprecated \(RFC 8996\)\.$/);
    });

    it('cites the RFC that retires each old version: RFC 7568 for SSL 3.0, none where no RFC is known', function () {
      const detail = (value: number, name?: string) => {
        const version = code(value, name);
        const tls = [negotiated('old.example', 6, version, version)];
        return findingsOfRule(tlsVersions, factsFrom({ tls }))[0]!.detail;
      };
      assert.match(detail(0x0300, 'SSL 3.0'), /deprecated \(RFC 7568\)\.$/);
      assert.match(detail(0x0302, 'TLS 1.1'), /deprecated \(RFC 8996\)\.$/);
      assert.match(detail(0x0002), /deprecated\.$/);
    });

    it('says nothing of handshakes without a ServerHello', function () {
      assert.deepEqual(
        findingsOfRule(tlsVersions, factsFrom({ tls: [tlsHandshake({ server: '192.0.2.1:443' })] })),
        [],
      );
    });
  });

  describe('certificate validity', function () {
    const capture = { ...captureModel().capture, start: '2020-06-01T10:00:00Z', end: '2020-06-01T10:05:00Z' };
    const sent = (...certificates: ReturnType<typeof certificate>[]) =>
      tlsHandshake({ server: '52.113.194.132:443', certificates });

    it('warns of a certificate expired when captured, with the frame that carried it', function () {
      const expired = certificate({ frame: 9, notAfter: '2020-05-31T00:00:00Z', sha256: 'cd'.repeat(32) });
      const [finding] = findingsOfRule(certificateValidity, factsFrom({ capture, tls: [sent(expired)] }));
      assert.equal(finding!.id, 'tls-certificate-expired/cdcdcdcdcdcdcdcd');
      assert.equal(finding!.severity, 'warning');
      assert.equal(finding!.title, 'Certificate for teams.microsoft.com was expired when captured');
      assert.deepEqual(finding!.frames, [9]);
      assert.equal(finding!.filter, 'tls.handshake.type == 11 && (frame.number == 9)');
    });

    it('warns of a certificate not yet valid, and says nothing of one valid throughout', function () {
      const early = certificate({ notBefore: '2020-06-02T00:00:00Z', notAfter: '2021-06-02T00:00:00Z' });
      const valid = certificate({ notBefore: '2020-01-01T00:00:00Z', notAfter: '2021-01-01T00:00:00Z' });
      assert.deepEqual(
        findingsOfRule(certificateValidity, factsFrom({ capture, tls: [sent(early)] })).map((f) => f.title),
        ['Certificate for teams.microsoft.com was not yet valid when captured'],
      );
      assert.deepEqual(findingsOfRule(certificateValidity, factsFrom({ capture, tls: [sent(valid)] })), []);
    });

    it('judges nothing when the capture has no dates', function () {
      const expired = certificate({ notAfter: '2000-01-01T00:00:00Z' });
      assert.deepEqual(findingsOfRule(certificateValidity, factsFrom({ tls: [sent(expired)] })), []);
    });
  });
});
