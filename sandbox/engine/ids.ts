import { randomBytes } from "node:crypto";

// ULIDs (Crockford base32: 10 chars of time, 16 of randomness), monotonic within a process so run
// and event ids sort in creation order even when several share a millisecond.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
let lastTime = -1;
let lastRandom: number[] = [];

export function ulid(timeMs: number): string {
  const t0 = Math.max(0, Math.floor(timeMs));
  if (t0 <= lastTime) {
    increment(lastRandom);
  } else {
    lastTime = t0;
    const bytes = randomBytes(16);
    lastRandom = Array.from(bytes, (b) => b % 32);
    lastRandom[0] = (lastRandom[0] ?? 0) % 16; // headroom so increments do not overflow
  }
  let time = "";
  let t = lastTime;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time + lastRandom.map((d) => ALPHABET[d]).join("");
}

function increment(digits: number[]): void {
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = (digits[i] ?? 0) + 1;
    if (d < 32) {
      digits[i] = d;
      return;
    }
    digits[i] = 0;
  }
}
