// Anthropic Messages API response and error bodies, as documented
// (https://docs.anthropic.com/en/api/messages, https://docs.anthropic.com/en/api/errors).
export type FakeContentBlock =
  { type: "text"; text: string } | { type: "tool_use"; id?: string; name: string; input: unknown };

export type StopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "refusal" | "pause_turn";

export interface MessageUsageBody {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  service_tier: "standard";
}

export interface MessageBody {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: (
    | { type: "text"; text: string; citations: null }
    | { type: "tool_use"; id: string; name: string; input: unknown }
  )[];
  stop_reason: StopReason;
  stop_sequence: null;
  usage: MessageUsageBody;
}

/** Error `type` Anthropic documents for each HTTP status. */
export const ERROR_TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

export function errorTypeFor(status: number): string {
  return ERROR_TYPE_BY_STATUS[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

export function errorBody(type: string, message: string, requestId: string) {
  return { type: "error", error: { type, message }, request_id: requestId };
}
