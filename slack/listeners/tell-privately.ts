// Feedback only the person who clicked or typed sees (an ephemeral message in the channel).
import type { webApi } from "@slack/bolt";
import type { SlackLogger } from "../context.js";

export async function tellPrivately(
  client: Pick<webApi.WebClient, "chat">,
  logger: SlackLogger,
  where: { channel: string | undefined; user: string },
  text: string,
): Promise<void> {
  if (!where.channel) {
    logger.warn({ user: where.user }, "no channel to answer in");
    return;
  }
  try {
    await client.chat.postEphemeral({ channel: where.channel, user: where.user, text });
  } catch (error) {
    logger.warn({ user: where.user, error: String(error) }, "could not post an ephemeral answer");
  }
}
