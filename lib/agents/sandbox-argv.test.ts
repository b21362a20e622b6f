// The box's argument list, without running it: what is bound where, in which order, with which rights,
// and the namespaces; and a pipeline's `mounts:` as the loader takes them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { boxedCommand, checkMounts, cliPaths, sandboxArgv, type BoxSpec } from "@/lib/agents/sandbox";
import { parsePipelineText } from "@/lib/pipelines/load-pipelines";
import { dataDir, resetEnvForTests } from "@/lib/env";
import { CLAUDE_BIN, CODEX_BIN } from "@/lib/testing/agent-clis";

const SPEC: BoxSpec = {
  bwrap: "/usr/bin/bwrap",
  command: "/opt/cli/claude",
  args: ["--output-format", "stream-json"],
  cwd: "/srv/sb/workspace/clients/acme",
  home: "/home/op",
  cli: ["/srv/sb/node_modules/@anthropic-ai/claude-agent-sdk-linux-x64"],
  login: ["/home/op/.claude/.credentials.json", { path: "/srv/sb/data/codex-home", at: "/codex-home" }],
  setenv: { CODEX_HOME: "/codex-home" },
  mounts: [{ path: "/srv/vector-store" }, { path: "/srv/shared-out", write: true }],
  hide: ["/srv/sb/data", "/usr/local/switchboard"],
};

/** The argument list as [flag, ...operands] groups, for reading. */
function pairs(args: string[]): string[] {
  const out: string[] = [];
  const arity: Record<string, number> = { "--ro-bind": 2, "--bind": 2, "--symlink": 2, "--setenv": 2, "--tmpfs": 1, "--proc": 1, "--dev": 1, "--dir": 1, "--chdir": 1 };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--") {
      out.push(args.slice(i).join(" "));
      break;
    }
    const n = arity[args[i]] ?? 0;
    out.push(args.slice(i, i + 1 + n).join(" "));
    i += n;
  }
  return out;
}

describe("sandbox argv", () => {
  it("binds the system read-only, the client's folder read-write as the cwd, a private HOME and /tmp, and the CLI's login", () => {
    const { command, args } = sandboxArgv(SPEC);
    expect(command).toBe("/usr/bin/bwrap");
    const p = pairs(args);
    expect(p).toContain("--ro-bind /usr /usr");
    expect(p).toContain("--ro-bind /etc/passwd /etc/passwd");
    expect(p).toContain("--ro-bind /etc/resolv.conf /etc/resolv.conf");
    // /etc's secrets and the whole root are not in it
    expect(p.some((x) => /\/etc\/(shadow|gshadow|sudoers|ssh|npmrc)\b/.test(x))).toBe(false);
    expect(p.some((x) => /^--(ro-)?bind \/ /.test(x) || x === "--ro-bind /etc /etc")).toBe(false);
    expect(p).toEqual(expect.arrayContaining(["--proc /proc", "--dev /dev", "--tmpfs /tmp", "--tmpfs /home/op", "--setenv HOME /home/op", "--setenv CODEX_HOME /codex-home"]));
    expect(p).toContain("--ro-bind /srv/sb/node_modules/@anthropic-ai/claude-agent-sdk-linux-x64 /srv/sb/node_modules/@anthropic-ai/claude-agent-sdk-linux-x64");
    expect(p).toContain("--bind /home/op/.claude/.credentials.json /home/op/.claude/.credentials.json");
    expect(p).toContain("--bind /srv/sb/data/codex-home /codex-home");
    expect(p).toContain("--ro-bind /srv/vector-store /srv/vector-store");
    expect(p).toContain("--bind /srv/shared-out /srv/shared-out");
    expect(p).toContain("--bind /srv/sb/workspace/clients/acme /srv/sb/workspace/clients/acme");
    expect(p).toContain("--chdir /srv/sb/workspace/clients/acme");
    // the private HOME comes before the credentials bound into it; the folders before the cwd
    expect(p.indexOf("--tmpfs /home/op")).toBeLessThan(p.indexOf("--bind /home/op/.claude/.credentials.json /home/op/.claude/.credentials.json"));
    expect(p.indexOf("--tmpfs /tmp")).toBeLessThan(p.indexOf("--chdir /srv/sb/workspace/clients/acme"));
    // a Switchboard under /usr is covered; one elsewhere simply is not bound
    expect(p).toContain("--tmpfs /usr/local/switchboard");
    expect(p.some((x) => x.includes("/srv/sb/data") && !x.includes("codex-home"))).toBe(false);
    // its own pid namespace, dies with its parent, keeps the network, stays in the caller's process group
    expect(args).toEqual(expect.arrayContaining(["--unshare-pid", "--die-with-parent"]));
    expect(args).not.toContain("--unshare-net");
    expect(args).not.toContain("--new-session");
    expect(p.at(-1)).toBe("-- /opt/cli/claude --output-format stream-json");
  });

  it("gives a step with no client an empty scratch folder, not the workspace", () => {
    const p = pairs(sandboxArgv({ ...SPEC, cwd: "/srv/sb/workspace", scratchCwd: true }).args);
    expect(p).toContain("--dir /srv/sb/workspace");
    expect(p.some((x) => x.startsWith("--bind /srv/sb/workspace "))).toBe(false);
  });

  it("binds the CLI's own package and its platform packages, never the whole node_modules", () => {
    const claude = cliPaths(CLAUDE_BIN, CLAUDE_BIN);
    expect(claude).toEqual([path.dirname(fs.realpathSync(CLAUDE_BIN))]);
    const codex = cliPaths(CODEX_BIN, process.execPath);
    const scope = path.resolve("node_modules/@openai");
    expect(codex).toEqual(expect.arrayContaining([path.join(scope, "codex"), path.join(scope, "codex-linux-x64")]));
    expect(codex.every((p) => p.startsWith(`${scope}/codex`))).toBe(true);
    // a CLI whose nearest package.json is Switchboard's own (a binary in the install): the binary alone
    const install = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-install-"));
    fs.writeFileSync(path.join(install, "package.json"), "{}");
    fs.mkdirSync(path.join(install, "bin"));
    fs.writeFileSync(path.join(install, "bin", "claude"), "");
    expect(cliPaths(path.join(install, "bin", "claude"), path.join(install, "bin", "claude"), [path.join(install, "data")])).toEqual([path.join(install, "bin", "claude")]);
  });

  it("checks a pipeline's mounts: absolute in the file, existing and clear of the data folder when the step starts", () => {
    const yaml = (mounts: string) => `name: M\nsteps:\n  - id: a\n    agent:\n      runner: codex\n      prompt: hi\n      mounts: ${mounts}\n`;
    expect(parsePipelineText("m", yaml("[{ path: /srv/vector-store }, { path: /srv/out, write: true }]")).definition?.steps[0].agent?.mounts).toEqual([{ path: "/srv/vector-store" }, { path: "/srv/out", write: true }]);
    const anthropic = parsePipelineText("m", yaml("[{ path: /srv/x }]").replace("runner: codex", "runner: anthropic"));
    expect(anthropic.errors.join("\n")).toMatch(/mounts are for the claude-code and codex runners/);
    for (const bad of ["[{ path: srv/x }]", "[{ path: / }]", "[{ path: /srv/../etc }]", "[{ path: /srv/x, mode: rw }]", "[/srv/x]"]) {
      expect(parsePipelineText("m", yaml(bad)).valid, bad).toBe(false);
    }
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-mount-"));
    expect(() => checkMounts([{ path: shared }])).not.toThrow();
    expect(() => checkMounts([{ path: `${shared}-missing` }])).toThrow(/does not exist/);
    expect(() => checkMounts([{ path: dataDir() }])).toThrow(/data folder/);
    expect(() => checkMounts([{ path: path.dirname(dataDir()) }])).toThrow(/data folder/);
  });

  it("binds of /etc/ssl and /etc/pki only the CA certificates and OpenSSL's config, never their private folders", () => {
    const p = pairs(sandboxArgv(SPEC).args);
    expect(p.some((x) => /^--(ro-)?bind \/etc\/(ssl|pki)(\/tls)? /.test(x))).toBe(false);
    expect(p.some((x) => x.includes("private"))).toBe(false);
    for (const file of ["/etc/ssl/certs", "/etc/ssl/openssl.cnf"]) if (fs.existsSync(file)) expect(p).toContain(`--ro-bind ${file} ${file}`);
  });

  it("takes a folder for the CLI's package only when it is installed in node_modules or names a CLI's package, never the operator's HOME", () => {
    // Claude Code's native install: one file in ~/.local/share/claude/versions, linked from ~/.local/bin,
    // under a HOME with a stray package.json (and keys beside it)
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-op-home-"));
    fs.writeFileSync(path.join(home, "package.json"), '{"name":"scratch"}');
    fs.mkdirSync(path.join(home, ".ssh"));
    fs.writeFileSync(path.join(home, ".ssh", "id_rsa"), "key");
    const native = path.join(home, ".local", "share", "claude", "versions", "2.1.197");
    fs.mkdirSync(path.dirname(native), { recursive: true });
    fs.writeFileSync(native, "", { mode: 0o755 });
    const link = path.join(home, ".local", "bin", "claude");
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(native, link);
    expect(cliPaths(link, link)).toEqual([native]);
    const { args } = boxedCommand({ bwrap: "/usr/bin/bwrap" }, { command: link, args: ["-p", "hi"], bin: link, cwd: home, home, login: [], mounts: [] });
    const p = pairs(args);
    expect(p).toContain(`--ro-bind ${native} ${native}`);
    expect(p.some((x) => x.startsWith(`--ro-bind ${home} `))).toBe(false);
    // a HOME whose package.json even names the CLI's package is still not bound: the binary alone
    fs.writeFileSync(path.join(home, "package.json"), '{"name":"@anthropic-ai/claude-code"}');
    expect(cliPaths(link, link, [home])).toEqual([native]);

    // the CLI's own package outside node_modules (a checkout) is taken, its neighbours are not
    const opt = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-opt-"));
    const checkout = path.join(opt, "claude-code");
    fs.mkdirSync(path.join(checkout, "bin"), { recursive: true });
    fs.mkdirSync(path.join(opt, "claude-code-secrets"));
    fs.writeFileSync(path.join(checkout, "package.json"), '{"name":"@anthropic-ai/claude-code"}');
    fs.writeFileSync(path.join(checkout, "bin", "claude"), "");
    expect(cliPaths(path.join(checkout, "bin", "claude"), path.join(checkout, "bin", "claude"))).toEqual([checkout]);
    // and an npm package in node_modules with its platform package beside it
    const scope = path.join(opt, "node_modules", "@openai");
    for (const name of ["codex", "codex-linux-x64", "other"]) {
      fs.mkdirSync(path.join(scope, name, "bin"), { recursive: true });
      fs.writeFileSync(path.join(scope, name, "package.json"), `{"name":"@openai/${name}"}`);
    }
    fs.writeFileSync(path.join(scope, "codex", "bin", "codex.js"), "");
    expect(cliPaths(path.join(scope, "codex", "bin", "codex.js"), path.join(scope, "codex", "bin", "codex.js")).sort()).toEqual([path.join(scope, "codex"), path.join(scope, "codex-linux-x64")]);
  });

  it("checks a mount with symlinks resolved, and gives bwrap the folder the link leads to", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-links-"));
    // a link to the folder that holds the data folder, and one to the data folder itself
    fs.symlinkSync(path.dirname(dataDir()), path.join(tmp, "exports"));
    fs.symlinkSync(dataDir(), path.join(tmp, "data-link"));
    expect(() => checkMounts([{ path: path.join(tmp, "exports") }])).toThrow(/data folder/);
    expect(() => checkMounts([{ path: path.join(tmp, "data-link") }])).toThrow(/data folder/);
    // a data folder that is itself a link: a mount of the folder it really is in
    const real = path.join(tmp, "real");
    fs.mkdirSync(path.join(real, "data"), { recursive: true });
    fs.symlinkSync(path.join(real, "data"), path.join(tmp, "data"));
    const databaseUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = `file:${path.join(tmp, "data", "test.db")}`;
    resetEnvForTests();
    try {
      expect(() => checkMounts([{ path: real }])).toThrow(/data folder/);
    } finally {
      process.env.DATABASE_URL = databaseUrl;
      resetEnvForTests();
    }
    // an innocent link is bound from where it leads, at the path the pipeline names
    fs.mkdirSync(path.join(tmp, "shared"));
    fs.symlinkSync(path.join(tmp, "shared"), path.join(tmp, "shared-link"));
    expect(checkMounts([{ path: path.join(tmp, "shared-link"), write: true }])).toEqual([{ path: path.join(tmp, "shared"), at: path.join(tmp, "shared-link"), write: true }]);
    const { args } = boxedCommand({ bwrap: "/usr/bin/bwrap" }, { command: "/bin/sh", args: [], bin: "/bin/sh", cwd: tmp, home: "/home/op", login: [], mounts: [{ path: path.join(tmp, "shared-link") }] });
    expect(pairs(args)).toContain(`--ro-bind ${path.join(tmp, "shared")} ${path.join(tmp, "shared-link")}`);
  });
});
