// What an agent wrote (a draft's title, a tool's error) reaches Slack and Discord as text: never as a
// disguised link or formatting those apps render.
import { describe, expect, it } from "vitest";
import { discordRequest, type NotificationMessage, slackRequest } from "@/lib/notify/channels";

const message: NotificationMessage = {
  id: "n1",
  event: "draft.waiting",
  title: "A draft waits: [Approve now](https://evil.example/login)",
  text: "**Urgent** <https://evil.example|click here> > quoted ||spoiler||",
  url: "https://switchboard.example/drafts/d1",
  client: "acme",
  at: "2026-12-07T10:00:00.000Z",
};

describe("agent-written text in chat formats", () => {
  it("Discord: the masked link, emphasis, quote and spoiler are escaped in the content and the description", () => {
    const body = JSON.parse(discordRequest(message).body) as { content: string; embeds: { description: string; url: string }[] };
    expect(body.content).toBe("A draft waits: \\[Approve now\\]\\(https://evil.example/login\\)");
    expect(body.embeds[0].description).toBe("\\*\\*Urgent\\*\\* <https://evil.example\\|click here\\> \\> quoted \\|\\|spoiler\\|\\|");
    expect(body.embeds[0].url).toBe(message.url);
  });

  it("Slack: the fallback text is escaped like the blocks, so <url|label> stays text", () => {
    const body = JSON.parse(slackRequest(message).body) as { text: string };
    expect(body.text).toContain("&lt;https://evil.example|click here&gt;");
    expect(body.text).not.toContain("<https://evil.example|");
    expect(body.text).toContain(message.url);
  });
});
