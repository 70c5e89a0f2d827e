// Where a webhook may connect. Private, loopback, link-local (cloud metadata at 169.254.169.254),
// carrier-grade NAT, multicast and other reserved ranges are refused unless an admin allowlisted the
// address or its range (AUTOMATION_WEBHOOK_ALLOWLIST). The check runs on the resolved address, the
// one the request then connects to, so a public name that resolves to 127.0.0.1 does not pass.
import { BlockList, isIP } from "node:net";

const REFUSED_V4: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 3],
];
const REFUSED_V6: [string, number][] = [
  ["::", 128],
  ["::1", 128],
  // IPv4-mapped addresses (::ffff:a.b.c.d) are judged as their IPv4 address (see `refusal`).
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
];

const refused = new BlockList();
for (const [net, prefix] of REFUSED_V4) refused.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of REFUSED_V6) refused.addSubnet(net, prefix, "ipv6");

/** "::ffff:127.0.0.1" or "::ffff:7f00:1" → "127.0.0.1"; undefined for other addresses. */
function mappedIPv4(address: string): string | undefined {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (dotted) return dotted;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const high = parseInt(hex[1] as string, 16);
  const low = parseInt(hex[2] as string, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

export class AddressPolicy {
  private readonly allowed = new BlockList();

  /** `entries`: IP addresses or CIDR ranges ("127.0.0.1", "10.1.0.0/16", "::1"). */
  constructor(entries: readonly string[] = []) {
    for (const entry of entries) {
      const [address = "", prefix] = entry.trim().split("/");
      const family = isIP(address);
      if (family === 0) throw new Error(`webhook allowlist: "${entry}" is not an IP address or CIDR range`);
      const type = family === 4 ? "ipv4" : "ipv6";
      if (prefix === undefined) this.allowed.addAddress(address, type);
      else this.allowed.addSubnet(address, Number(prefix), type);
    }
  }

  /** null when the address may be used, else why not. */
  refusal(address: string): string | null {
    const family = isIP(address);
    if (family === 0) return `${address} is not an IP address`;
    const mapped = mappedIPv4(address);
    const [ip, type] = mapped
      ? [mapped, "ipv4" as const]
      : [address, family === 4 ? ("ipv4" as const) : ("ipv6" as const)];
    if (this.allowed.check(ip, type)) return null;
    if (refused.check(ip, type)) {
      return `${address} is a private, loopback, link-local or reserved address (allowlist it in AUTOMATION_WEBHOOK_ALLOWLIST to use it)`;
    }
    return null;
  }
}
