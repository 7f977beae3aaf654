/** Link-layer framing: Ethernet II, Ethernet with an 802.1Q VLAN tag, and Linux "cooked" capture (SLL). */

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ARPHRD_ETHER = 1;

/** Who a packet is for, from the capturing host's point of view (the SLL packet type). */
export type SllPacketType = 'to-us' | 'broadcast' | 'multicast' | 'other-host' | 'outgoing';
const SLL_PACKET_TYPES: Record<SllPacketType, number> = {
  'to-us': 0,
  broadcast: 1,
  multicast: 2,
  'other-host': 3,
  outgoing: 4,
};

export function macBytes(mac: string): Buffer {
  return Buffer.from(mac.replace(/:/g, ''), 'hex');
}

/** An Ethernet II frame; with a VLAN id, an 802.1Q tag (priority 0) sits before the EtherType. */
export function ethernetFrame(
  destination: string,
  source: string,
  etherType: number,
  payload: Buffer,
  vlanId?: number,
): Buffer {
  const tag =
    vlanId === undefined
      ? Buffer.alloc(0)
      : Buffer.from([ETHERTYPE_VLAN >> 8, ETHERTYPE_VLAN & 0xff, (vlanId >> 8) & 0x0f, vlanId & 0xff]);
  const type = Buffer.from([etherType >> 8, etherType & 0xff]);
  return Buffer.concat([macBytes(destination), macBytes(source), tag, type, payload]);
}

/** A Linux cooked-mode (SLL, LINKTYPE_LINUX_SLL) frame: packet type, the sender's hardware address, protocol. */
export function linuxSllFrame(packetType: SllPacketType, sourceMac: string, protocol: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt16BE(SLL_PACKET_TYPES[packetType], 0);
  header.writeUInt16BE(ARPHRD_ETHER, 2);
  header.writeUInt16BE(6, 4);
  macBytes(sourceMac).copy(header, 6);
  header.writeUInt16BE(protocol, 14);
  return Buffer.concat([header, payload]);
}
