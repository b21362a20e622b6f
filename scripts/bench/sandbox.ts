// The agent sandbox's start-up cost per agent step: `<cli> --version` started in the bubblewrap box
// (the argv the runners use) vs the bare `<cli> --version`, timed in turn in the same run (a ratio), the
// median over 20 starts of each. claude is the Agent SDK's native binary; codex a node script in front
// of its native binary.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { medianP95, timeInTurn } from "./measure";

const N = 20;

export async function benchSandbox(): Promise<Record<string, unknown>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-sandbox-"));
  process.env.SWITCHBOARD_WORKSPACE = path.join(root, "workspace");
  process.env.DATABASE_URL = `file:${path.join(root, "data", "bench.db")}`;
  const client = path.join(root, "workspace", "clients", "acme");
  const codexHome = path.join(root, "data", "codex-home");
  fs.mkdirSync(client, { recursive: true });
  fs.mkdirSync(codexHome, { recursive: true });
  const { boxedCommand, sandboxState } = await import("@/lib/agents/sandbox");
  const { spawnGroup } = await import("@/lib/process-group");
  const state = await sandboxState();
  if (state.mode !== "on") return { error: state.mode === "off" ? "SWITCHBOARD_AGENT_SANDBOX=off" : state.reason };

  const start = (command: string, args: string[]) => () =>
    new Promise<void>((resolve, reject) => {
      const child = spawnGroup(command, args, { cwd: client, env: { PATH: process.env.PATH, HOME: root }, stdio: ["ignore", "ignore", "ignore"] });
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
    });
  const clis = {
    claude: { bin: path.resolve("node_modules/@anthropic-ai/claude-agent-sdk-linux-x64/claude"), command: "", prefix: [] as string[], login: [] as { path: string; at: string }[] },
    codex: { bin: path.resolve("node_modules/@openai/codex/bin/codex.js"), command: process.execPath, prefix: [] as string[], login: [{ path: codexHome, at: "/codex-home" }] },
  };
  clis.claude.command = clis.claude.bin;
  clis.codex.prefix = [clis.codex.bin];
  const results: Record<string, unknown> = { starts: N };
  for (const [name, cli] of Object.entries(clis)) {
    if (!fs.existsSync(cli.bin)) {
      results[name] = { error: `${cli.bin} is missing` };
      continue;
    }
    const args = [...cli.prefix, "--version"];
    const boxed = boxedCommand({ bwrap: state.bwrap }, { command: cli.command, args, bin: cli.bin, cwd: client, home: root, login: cli.login, mounts: [] });
    const [bare, inBox] = await timeInTurn([start(cli.command, args), start(boxed.command, boxed.args)], N, 2);
    const b = medianP95(bare, 1);
    const x = medianP95(inBox, 1);
    results[name] = { bare: b, boxed: x, addedMedianMs: Number((x.medianMs - b.medianMs).toFixed(1)), ratio: Number((x.medianMs / b.medianMs).toFixed(2)) };
  }
  fs.rmSync(root, { recursive: true, force: true });
  return results;
}
