/** tshark writes SSRCs as "0x3a4b5c6d" (or without leading zeros); reports use eight lowercase hex digits. */
export function ssrcText(value: string): string {
  const n = value.startsWith('0x') ? parseInt(value.slice(2), 16) : Number(value);
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
