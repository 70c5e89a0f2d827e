// The catalogue event each trigger type runs on (names in shared/domain/automations-triggers.ts).
import type { TriggerType } from "../../shared/domain/automations.js";
import {
  agentModeChanged,
  crmContactCreated,
  crmContactFieldChanged,
  crmContactInactive,
  crmStageChanged,
  crmTagAdded,
  crmTagRemoved,
  orderCreated,
  orderDecided,
  whatsappMessageReceived,
} from "../../shared/events.js";

export const TRIGGER_EVENT_TYPES = {
  "contact.created": crmContactCreated,
  "message.keyword": whatsappMessageReceived,
  "conversation.mode_changed": agentModeChanged,
  "order.created": orderCreated,
  "order.status_changed": orderDecided,
  "tag.added": crmTagAdded,
  "tag.removed": crmTagRemoved,
  "stage.changed": crmStageChanged,
  "field.changed": crmContactFieldChanged,
  "contact.inactive": crmContactInactive,
} as const satisfies Record<TriggerType, { name: string }>;
