// The modal that asks for the reason of a rejection, and the reading of its submission. Pure.
import { z } from "zod";
import { MAX_REASON_LENGTH } from "../../shared/domain/orders.js";
import { orderIdSchema } from "../../shared/domain/orders.js";

export const REJECT_VIEW_CALLBACK_ID = "order_reject_reason";
export const REASON_BLOCK_ID = "reason";
export const REASON_ACTION_ID = "reason_text";
export const MIN_REASON_LENGTH = 3;

/** What the modal carries from the click to the submission (Slack's private_metadata). */
const metadataSchema = z
  .object({
    orderId: orderIdSchema,
    channel: z.string().regex(/^[CG][A-Z0-9]{2,20}$/),
    ts: z.string().regex(/^\d+\.\d+$/),
  })
  .strict();
export type RejectModalMetadata = z.infer<typeof metadataSchema>;

export function rejectModal(meta: RejectModalMetadata): Record<string, unknown> {
  return {
    type: "modal",
    callback_id: REJECT_VIEW_CALLBACK_ID,
    private_metadata: JSON.stringify(meta),
    title: { type: "plain_text", text: "Reject order" },
    submit: { type: "plain_text", text: "Reject" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `Order ${meta.orderId}: the customer will be told the reason, politely.`,
        },
      },
      {
        type: "input",
        block_id: REASON_BLOCK_ID,
        label: { type: "plain_text", text: "Reason" },
        element: {
          type: "plain_text_input",
          action_id: REASON_ACTION_ID,
          multiline: true,
          min_length: MIN_REASON_LENGTH,
          max_length: MAX_REASON_LENGTH,
          placeholder: { type: "plain_text", text: "e.g. we do not deliver to that city yet" },
        },
      },
    ],
  };
}

export function parseRejectMetadata(raw: string): RejectModalMetadata | null {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The reason typed in the modal, or the error Slack shows under the field. */
export function readRejectReason(
  values: Record<string, Record<string, { value?: string | null }>>,
): { ok: true; reason: string } | { ok: false; error: string } {
  const reason = (values[REASON_BLOCK_ID]?.[REASON_ACTION_ID]?.value ?? "").replace(/\s+/g, " ").trim();
  if (reason.length < MIN_REASON_LENGTH)
    return { ok: false, error: `Please give a reason (at least ${MIN_REASON_LENGTH} characters).` };
  if (reason.length > MAX_REASON_LENGTH)
    return { ok: false, error: `Please keep the reason under ${MAX_REASON_LENGTH} characters.` };
  return { ok: true, reason };
}
