// For the CLI runner tests: the real claude and codex binaries from node_modules, an isolated HOME, and
// a look at the process table to prove that nothing a step started outlives it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const CLAUDE_BIN = path.resolve("node_modules/@anthropic-ai/claude-agent-sdk-linux-x64/claude");
export const CODEX_BIN = path.resolve("node_modules/@openai/codex/bin/codex.js");

export function isolatedHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-home-"));
  process.env.HOME = home;
  return home;
}

/** Pids of running processes whose command line contains `needle`. */
export function processesMatching(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // a zombie has exited; its parent simply has not reaped it yet
      if (cmdline.includes(needle) && !/^\d+ \(.*\) Z/.test(stat)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
