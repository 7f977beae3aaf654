import assert from 'node:assert/strict';
import { compareVersions, parseTsharkVersion } from '../../core/tshark/locate.js';

describe('tshark version check', function () {
  it('reads the version from the first line of `tshark --version`', function () {
    assert.equal(
      parseTsharkVersion('TShark (Wireshark) 4.0.17 (Git v4.0.17 packaged as 4.0.17-0+deb12u3).\n\nCopyright…'),
      '4.0.17',
    );
    assert.equal(parseTsharkVersion('Usage: true'), undefined);
  });

  it('orders versions numerically, so 3.10 is newer than 3.6', function () {
    assert.equal(compareVersions('3.10.0', '3.6.0'), 1);
    assert.equal(compareVersions('3.4.16', '3.6.0'), -1);
    assert.equal(compareVersions('3.6.0', '3.6.0'), 0);
  });
});
