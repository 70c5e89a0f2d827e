// A slash command's form body as Slack posts it to /slack/events, from the sandbox workspace's ops
// channel (the request tests sign it themselves).
export function slashCommandBody(userId: string, command: string, text: string, responseUrl: string): string {
  return new URLSearchParams({
    token: "x",
    team_id: "T0SANDBOX",
    team_domain: "sandbox-workspace",
    channel_id: "C0OPS",
    channel_name: "ops",
    user_id: userId,
    user_name: "someone",
    command,
    text,
    api_app_id: "A0SANDBOX",
    response_url: responseUrl,
    trigger_id: "1.2.3",
  }).toString();
}
