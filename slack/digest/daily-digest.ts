// Every day at DIGEST_TIME (BUSINESS_TIMEZONE) the sales channel gets yesterday's numbers.
import { clock } from "../../shared/clock.js";
import { localDay, zonedTimeToUtc } from "../../shared/domain/business-hours.js";
import type { SlackClient, SlackContext } from "../context.js";
import { digestText } from "./digest-text.js";
import { digestFigures } from "./figures.js";

export const DAILY_DIGEST_ID = "daily-digest";

export interface DigestDeps extends SlackContext {
  client: SlackClient;
}

/** The business day before the one `now` falls in, as [from, to). */
export function yesterdayOf(now: Date, timezone: string): { day: string; from: Date; to: Date } {
  const [y, m, d] = localDay(now, timezone).split("-").map(Number) as [number, number, number];
  const before = new Date(Date.UTC(y, m - 1, d - 1));
  const yesterday = {
    year: before.getUTCFullYear(),
    month: before.getUTCMonth() + 1,
    day: before.getUTCDate(),
  };
  return {
    day: localDay(new Date(Date.UTC(yesterday.year, yesterday.month - 1, yesterday.day, 12)), "UTC"),
    from: new Date(zonedTimeToUtc(yesterday, 0, timezone)),
    to: new Date(zonedTimeToUtc({ year: y, month: m, day: d }, 0, timezone)),
  };
}

export function digestCron(minuteOfDay: number, timezone: string): string {
  return `TZ=${timezone} ${minuteOfDay % 60} ${Math.floor(minuteOfDay / 60)} * * *`;
}

export function createDailyDigest(deps: DigestDeps) {
  const { config } = deps;
  const timezone = config.business.timezone;
  return deps.inngest.createFunction(
    {
      id: DAILY_DIGEST_ID,
      name: "Post yesterday's numbers to the sales channel",
      triggers: [{ cron: digestCron(config.slack.digestMinute, timezone) }],
    },
    async ({ step }) => {
      return step.run("post-digest", async () => {
        const range = yesterdayOf(clock.now(), timezone);
        const text = digestText(await digestFigures(deps.db, range));
        await deps.client.chat.postMessage({ channel: config.slack.salesChannel, text });
        return { day: range.day };
      });
    },
  );
}
