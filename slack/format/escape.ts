// Text from customers and staff goes into Slack mrkdwn: "<", ">" and "&" must not become links,
// mentions (<!channel>) or entities.
export function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
