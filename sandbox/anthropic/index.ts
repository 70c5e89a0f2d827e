export { startFakeAnthropic } from "./server.js";
export type { FakeAnthropic, FakeAnthropicOptions, RecordedRequest, Responder } from "./server.js";
export { rulesResponder } from "./rules-responder.js";
export { createPromptCache, promptSegments, estimateTokens } from "./prompt-cache.js";
export type { FakeContentBlock, StopReason } from "./shapes.js";
