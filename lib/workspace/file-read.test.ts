import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clientMemoryView, importClientFolders, MEMORY_RENDER_MAX_BYTES } from "@/lib/clients/clients";
import { ZCreateClientInput } from "@/lib/clients/clients.schema";
import { MEMORY_MAX_BYTES } from "@/lib/clients/clients.schema";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { loadGlobalServers, readMcpFile } from "@/lib/mcp/config";
import { getPipeline } from "@/lib/pipelines/load-pipelines";
import { readWorkspaceFile, writeWorkspaceFile } from "@/lib/workspace/paths";

const suffix = () => Math.random().toString(36).slice(2, 8);
const clientDir = (slug: string) => {
  const dir = path.join(workspaceDir(), "clients", slug);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};
const mkfifo = (file: string) => execFileSync("mkfifo", [file]);

afterEach(() => {
  vi.useRealTimers();
});

describe("reading a workspace file", () => {
  it("refuses a FIFO at once instead of waiting for a writer", () => {
    const slug = `fifo-${suffix()}`;
    mkfifo(path.join(clientDir(slug), "CLAUDE.md"));
    // without O_NONBLOCK this open would block the process forever (no writer ever comes)
    expect(() => readWorkspaceFile(`clients/${slug}/CLAUDE.md`, 1000)).toThrow(/not a regular file/);
  });

  it("refuses a device, whether linked from outside or made inside the workspace", () => {
    const slug = `dev-${suffix()}`;
    fs.symlinkSync("/dev/zero", path.join(clientDir(slug), "CLAUDE.md"));
    expect(() => readWorkspaceFile(`clients/${slug}/CLAUDE.md`, 1000)).toThrow(/outside the workspace/);
    // a character device node inside the workspace (root can make one): its size says 0, its reads never end
    const node = path.join(clientDir(slug), "zero");
    let made = true;
    try {
      execFileSync("mknod", [node, "c", "1", "5"], { stdio: "ignore" });
    } catch {
      made = false;
    }
    if (made) expect(() => readWorkspaceFile(`clients/${slug}/zero`, 1000)).toThrow(/not a regular file/);
  });

  it("refuses a symlink out of the workspace and follows one that stays inside", () => {
    const slug = `link-${suffix()}`;
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "sb-out-"));
    fs.writeFileSync(path.join(outside, "secret"), "outside");
    fs.symlinkSync(path.join(outside, "secret"), path.join(clientDir(slug), "CLAUDE.md"));
    expect(() => readWorkspaceFile(`clients/${slug}/CLAUDE.md`, 1000)).toThrow(/outside the workspace/);
    fs.writeFileSync(path.join(clientDir(slug), "real.md"), "inside");
    fs.symlinkSync("real.md", path.join(clientDir(slug), "alias.md"));
    expect(readWorkspaceFile(`clients/${slug}/alias.md`, 1000)).toBe("inside");
  });

  it("reads at most its limit: refuses a larger file, or returns its head when asked to", () => {
    const slug = `big-${suffix()}`;
    fs.writeFileSync(path.join(clientDir(slug), "CLAUDE.md"), "y".repeat(5000));
    expect(() => readWorkspaceFile(`clients/${slug}/CLAUDE.md`, 100)).toThrow(/5000 bytes; the limit is 100/);
    expect(readWorkspaceFile(`clients/${slug}/CLAUDE.md`, 100, { truncate: true })).toBe("y".repeat(100));
  });

  it("a FIFO as .mcp.json or as a pipeline file is an error on that file, and nothing blocks", () => {
    const slug = `mcpfifo-${suffix()}`;
    mkfifo(path.join(clientDir(slug), ".mcp.json"));
    expect(readMcpFile(`clients/${slug}/.mcp.json`).error).toMatch(/not a regular file/);
    const pipelines = path.join(workspaceDir(), "pipelines");
    fs.mkdirSync(pipelines, { recursive: true });
    const name = `fifo-${suffix()}`;
    mkfifo(path.join(pipelines, `${name}.yaml`));
    expect(getPipeline(name)?.errors.join(" ")).toMatch(/not a file|not a regular file/);
  });

  it("the workspace mcp.json as a FIFO leaves the servers list with an error, not a hung process", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "sb-ws-"));
    mkfifo(path.join(root, "mcp.json"));
    expect(loadGlobalServers(root).fileError).toMatch(/not a regular file/);
  });
});

describe("writing a workspace file", () => {
  it("creates its temporary file exclusively under an unguessable name, never through a planted link", () => {
    const slug = `tmp-${suffix()}`;
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "sb-out-"));
    const victim = path.join(outside, "victim");
    fs.writeFileSync(victim, "untouched");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
    const file = path.join(clientDir(slug), "CLAUDE.md");
    // the name a pid-and-clock temporary file would have had
    fs.symlinkSync(victim, `${file}.${process.pid}.${Date.now()}.tmp`);
    writeWorkspaceFile(`clients/${slug}/CLAUDE.md`, "new memory");
    expect(fs.readFileSync(victim, "utf8")).toBe("untouched");
    expect(fs.readFileSync(file, "utf8")).toBe("new memory");
    expect(fs.readdirSync(clientDir(slug)).filter((n) => n.endsWith(".tmp") && !n.startsWith("CLAUDE.md."))).toEqual([]);
  });
});

describe("the client page's CLAUDE.md", () => {
  it("shows an error for an unreadable or oversized file, and renders at most 64 KB", () => {
    const fifo = `pfifo-${suffix()}`;
    mkfifo(path.join(clientDir(fifo), "CLAUDE.md"));
    expect(clientMemoryView(fifo)).toMatchObject({ source: null, rendered: null, error: expect.stringMatching(/not a regular file/) });

    const huge = `phuge-${suffix()}`;
    fs.writeFileSync(path.join(clientDir(huge), "CLAUDE.md"), "z".repeat(MEMORY_MAX_BYTES + 1));
    expect(clientMemoryView(huge).error).toMatch(/the limit is/);

    const long = `plong-${suffix()}`;
    fs.writeFileSync(path.join(clientDir(long), "CLAUDE.md"), "w".repeat(200 * 1024));
    const view = clientMemoryView(long);
    expect(view).toMatchObject({ truncated: true, error: null });
    expect(view.rendered).toHaveLength(MEMORY_RENDER_MAX_BYTES);
    expect(view.source).toHaveLength(200 * 1024);
    expect(clientMemoryView(`none-${suffix()}`)).toEqual({ source: null, rendered: null, truncated: false, error: null });
  });
});

describe("client slugs", () => {
  it("may not be the workspace's own scope, in the form or from a folder at start-up", async () => {
    const parsed = ZCreateClientInput.safeParse({ slug: "global", name: "Global" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/workspace's own scope/);
    clientDir("global");
    const fifo = `import-${suffix()}`;
    mkfifo(path.join(clientDir(fifo), "CLAUDE.md"));
    const created = await importClientFolders();
    expect(created).not.toContain("global");
    expect(created).toContain(fifo);
    expect(await prisma.client.findUnique({ where: { slug: "global" } })).toBeNull();
  });
});
