import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { workspaceDir } from "@/lib/env";
import { clientFolder, isSlug, readWorkspaceFile, resolveInWorkspace, writeWorkspaceFile } from "@/lib/workspace/paths";

describe("workspace paths", () => {
  it("accepts slugs of the documented shape only", () => {
    for (const ok of ["acme", "a", "bluebird-dental", "x".repeat(63)]) expect(isSlug(ok)).toBe(true);
    for (const bad of ["", "-acme", "Acme", "a_b", "../x", "a/b", "x".repeat(64), "%2e%2e", "acme\n"]) expect(isSlug(bad)).toBe(false);
  });

  it("refuses `..`, absolute paths, encoded dots once decoded, and NUL bytes", () => {
    expect(() => resolveInWorkspace("../etc/passwd")).toThrow(/outside the workspace/);
    expect(() => resolveInWorkspace("clients/../../x")).toThrow(/outside the workspace/);
    expect(() => resolveInWorkspace("/etc/passwd")).toThrow(/outside the workspace/);
    expect(() => resolveInWorkspace(decodeURIComponent("%2e%2e/%2e%2e/x"))).toThrow(/outside the workspace/);
    expect(() => resolveInWorkspace("clients/a\0b")).toThrow(/Invalid path/);
    expect(() => clientFolder("../acme")).toThrow(/Invalid client slug/);
    expect(resolveInWorkspace("clients/acme/CLAUDE.md")).toBe(path.join(workspaceDir(), "clients/acme/CLAUDE.md"));
  });

  it("refuses to read or write through a symlink that leaves the workspace", () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "sb-outside-"));
    fs.writeFileSync(path.join(outside, "secret.txt"), "outside secret");
    fs.mkdirSync(path.join(workspaceDir(), "clients", "linky"), { recursive: true });
    fs.symlinkSync(outside, path.join(workspaceDir(), "clients", "linky", "escape"));
    expect(() => readWorkspaceFile("clients/linky/escape/secret.txt", 1000)).toThrow(/leads outside the workspace/);
    expect(() => writeWorkspaceFile("clients/linky/escape/new.txt", "x")).toThrow(/leads outside the workspace/);
    fs.symlinkSync(path.join(outside, "secret.txt"), path.join(workspaceDir(), "clients", "linky", "CLAUDE.md"));
    expect(() => writeWorkspaceFile("clients/linky/CLAUDE.md", "overwrite")).toThrow(/outside the workspace|symlink/);
    expect(fs.readFileSync(path.join(outside, "secret.txt"), "utf8")).toBe("outside secret");
  });

  it("refuses a file over its size limit", () => {
    writeWorkspaceFile("clients/big/CLAUDE.md", "x".repeat(2000));
    expect(() => readWorkspaceFile("clients/big/CLAUDE.md", 1000)).toThrow(/2000 bytes; the limit is 1000/);
  });
});
