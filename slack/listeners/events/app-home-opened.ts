// Someone opened the app's Home tab: publish it for them.
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { canDecideOrders, isAdmin } from "../../access/roles.js";
import type { SlackContext } from "../../approvals/context.js";
import { homeView } from "./home-view.js";

type Args = SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs;

export function appHomeOpenedCallback(ctx: SlackContext) {
  return async ({ event, client }: Args): Promise<void> => {
    if (event.tab !== "home") return;
    const pending = await ctx.db.orders.listPending();
    await client.views.publish({
      user_id: event.user,
      view: homeView({
        pendingOrders: pending.length,
        isAdmin: isAdmin(ctx.roles, event.user),
        canDecide: canDecideOrders(ctx.roles, event.user),
      }) as never,
    });
  };
}
