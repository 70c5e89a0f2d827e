// Per-conversation daily cost cap (config agent.dailyCostCapUsd): once a conversation's model cost
// for the business day reaches it, the agent hands the conversation to a human instead of calling
// the model again (handoff reason "cost-cap").
export interface DailyCost {
  /** Business day ("YYYY-MM-DD") that `dayCostMicroUsd` counts. */
  day?: string;
  dayCostMicroUsd: number;
}

/** True when today's spend has reached the cap. A cap of 0 means the model is never called. */
export function isDailyCostCapReached(usage: DailyCost, capUsd: number, today: string): boolean {
  const spent = usage.day === today ? usage.dayCostMicroUsd : 0;
  return spent >= Math.round(capUsd * 1_000_000);
}
