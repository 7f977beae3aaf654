/** SSDP discovery (UPnP Device Architecture 2.0 §1.3.2): the M-SEARCH a Windows host multicasts. */
export const SSDP_GROUP = { ip: '239.255.255.250', port: 1900 } as const;

export function ssdpMSearch(searchTarget: string, userAgent: string): Buffer {
  return Buffer.from(
    [
      'M-SEARCH * HTTP/1.1',
      `HOST: ${SSDP_GROUP.ip}:${SSDP_GROUP.port}`,
      'MAN: "ssdp:discover"',
      'MX: 1',
      `ST: ${searchTarget}`,
      `USER-AGENT: ${userAgent}`,
      '',
      '',
    ].join('\r\n'),
  );
}
