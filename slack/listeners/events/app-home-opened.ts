// Someone opened the app's Home tab: publish it for them.
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { clock } from "../../../shared/clock.js";
import { canDecideOrders, isAdmin } from "../../access/roles.js";
import type { SlackContext } from "../../context.js";
import { homeFacts } from "../../home/home-facts.js";
import { homeView } from "./home-view.js";

type Args = SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs;

export function appHomeOpenedCallback(ctx: SlackContext) {
  return async ({ event, client }: Args): Promise<void> => {
    if (event.tab !== "home") return;
    const facts = await homeFacts(ctx, client);
    await client.views.publish({
      user_id: event.user,
      view: homeView({
        pendingOrders: facts.pendingCount,
        isAdmin: isAdmin(ctx.roles, event.user),
        canDecide: canDecideOrders(ctx.roles, event.user),
        facts,
        now: clock.now(),
        timezone: ctx.config.business.timezone,
      }) as never,
    });
  };
}
