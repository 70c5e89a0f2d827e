// "Did you mean": the known names nearest to what someone typed (edit distance, with a bonus for a
// shared prefix or substring). Pure; the typed text is only compared, never used as a pattern.

/** Levenshtein distance (insert, delete, substitute), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= t.length; j += 1) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[t.length] ?? 0;
}

/** Up to `limit` known names, nearest first (ties in alphabetical order). */
export function closestNames(typed: string, known: readonly string[], limit = 3): string[] {
  // A very long argument cannot be near a name; comparing a bounded prefix keeps this cheap.
  const probe = typed.trim().toLowerCase().slice(0, 80);
  const score = (name: string): number => {
    const n = name.toLowerCase();
    let d = editDistance(probe, n);
    if (probe.length >= 3 && (n.includes(probe) || probe.includes(n))) d -= Math.min(probe.length, n.length);
    return d;
  };
  return [...known]
    .map((name) => ({ name, score: score(name) }))
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((x) => x.name);
}
