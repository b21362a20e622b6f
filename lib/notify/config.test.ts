import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { workspaceDir } from "@/lib/env";
import { channelTakes, loadNotificationChannels, maskAddress, parseNotificationsText } from "@/lib/notify/config";

describe("notifications.yaml", () => {
  it("expands ${VAR} from the environment and keeps the events and clients of each channel", () => {
    const text = `- name: ops-webhook
  type: webhook
  url: \${OPS_URL}
  secret: \${OPS_SECRET}
  events: [draft.waiting, run.failed]
  clients: [acme]
- { name: owner-mail, type: email, to: owner@agency.example, events: [draft.waiting] }
`;
    const { channels, errors } = parseNotificationsText(text, { OPS_URL: "https://hooks.example/abc", OPS_SECRET: "s3cret" });
    expect(errors).toEqual([]);
    expect(channels).toEqual([
      { name: "ops-webhook", type: "webhook", url: "https://hooks.example/abc", secret: "s3cret", events: ["draft.waiting", "run.failed"], clients: ["acme"] },
      { name: "owner-mail", type: "email", to: "owner@agency.example", events: ["draft.waiting"], clients: null },
    ]);
    expect(channelTakes(channels[0], "draft.waiting", "acme")).toBe(true);
    expect(channelTakes(channels[0], "draft.waiting", "globex")).toBe(false);
    expect(channelTakes(channels[0], "draft.waiting", null)).toBe(false);
    expect(channelTakes(channels[0], "heartbeat.late", "acme")).toBe(false);
    expect(channelTakes(channels[1], "draft.waiting", null)).toBe(true);
  });

  it("names the file and line of each broken entry and keeps the good ones", () => {
    const text = `- name: good
  type: ntfy
  url: https://ntfy.example/topic
  events: [heartbeat.failing]
- name: bad-event
  type: slack
  url: https://hooks.slack.example/x
  events: [draft.waitin]
- name: no-secret
  type: webhook
  url: https://hooks.example/y
  events: [run.failed]
- name: unset-var
  type: discord
  url: \${NOT_SET_ANYWHERE}
  events: [run.failed]
- name: extra
  type: email
  to: a@b.example
  events: [run.failed]
  colour: red
- name: good
  type: ntfy
  url: ftp://ntfy.example/topic
  events: [heartbeat.failing]
`;
    const { channels, errors } = parseNotificationsText(text, {});
    expect(channels.map((c) => c.name)).toEqual(["good"]);
    expect(errors).toEqual([
      expect.stringMatching(/^notifications\.yaml:8 \[1\]\.events\[0\]: /),
      expect.stringMatching(/^notifications\.yaml:9 \[2\]\.secret: /),
      "notifications.yaml:15 [3].url: ${NOT_SET_ANYWHERE} is not set in Switchboard's environment",
      'notifications.yaml:21 [4].colour: unknown key "colour"',
      'notifications.yaml:22 [5].name: the name "good" is used twice',
      "notifications.yaml:24 [5].url: expected an http:// or https:// address",
    ]);
  });

  it("reports broken YAML and a file that is not a list with a line", () => {
    expect(parseNotificationsText("- name: a\n  type: [webhook\n", {}).errors[0]).toMatch(/^notifications\.yaml:\d+ YAML: /);
    expect(parseNotificationsText("name: a\n", {}).errors).toEqual(["notifications.yaml:1 expected a list of channels (- name: ..., type: webhook, ...)"]);
  });

  it("reads the workspace's file, and none when there is no file", () => {
    const file = path.join(workspaceDir(), "notifications.yaml");
    fs.rmSync(file, { force: true });
    expect(loadNotificationChannels()).toEqual({ channels: [], errors: [] });
    fs.writeFileSync(file, "- { name: n, type: ntfy, url: 'https://ntfy.example/t', events: [run.failed] }\n");
    expect(loadNotificationChannels().channels.map((c) => c.name)).toEqual(["n"]);
  });

  it("masks addresses: scheme and host only, the secret path and the mailbox hidden", () => {
    expect(maskAddress({ type: "slack", url: "https://hooks.slack.com/services/T000/B000/XXXXSECRET" })).toBe("https://hooks.slack.com/…");
    expect(maskAddress({ type: "email", to: "owner@agency.example" })).toBe("o…@agency.example");
  });
});
