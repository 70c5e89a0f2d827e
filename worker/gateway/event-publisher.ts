// How the gateway announces facts to Inngest: the client's `send` (a test can hand in a failing one
// to play an engine outage). The SDK validates catalogue events against their schema before sending.
export interface PublishedEvent {
  name: string;
  data: Record<string, unknown>;
  /** Idempotency id: the engine keeps one event per id. */
  id?: string;
}

export interface EventPublisher {
  send(event: PublishedEvent): Promise<unknown>;
}
