// Posts events to the engine's event API the way the SDK does.
export async function sendEvents(
  engineUrl: string,
  events: { name: string; data?: Record<string, unknown>; id?: string }[],
): Promise<{ ids: string[]; status: number }> {
  const res = await fetch(`${engineUrl}/e/test-key`, { method: "POST", body: JSON.stringify(events) });
  return (await res.json()) as { ids: string[]; status: number };
}
