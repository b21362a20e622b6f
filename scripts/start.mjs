// npm start: install when needed, generate the Prisma client, build when no build is current, serve.
// Migrations, the demo workspace and the first admin are handled by the server itself (lib/startup.ts).
//
// Signals: package.json starts this file with `exec`, so npm's child is this process and the SIGTERM npm
// forwards (from pm2, runit or `kill <npm pid>`) reaches it; without `exec`, npm signals only the shell
// and the server keeps running. This process passes the signal to the Next server, which drains
// (lib/server-process.ts), and exits when the server has. Should npm itself die without a signal we see,
// the change of parent is noticed and treated as SIGTERM.
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureBubblewrap, ensureBuild, ensurePackages, ensurePrismaClient, log, root } from "./lib/setup.mjs";

// above the 60 s most reverse proxies keep idle upstream connections (lib/http/node-server.ts sets the rest)
const KEEP_ALIVE_TIMEOUT_MS = "65000";

const dev = process.argv.includes("--dev");
let stopping = null;
const parentAtStart = process.ppid;

function stopBeforeServe(signal) {
  stopping = signal;
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, stopBeforeServe);

try {
  ensurePackages();
  ensureBubblewrap({ required: false });
  ensurePrismaClient();
  if (!dev) ensureBuild();
} catch (error) {
  console.error(`[switchboard] start-up failed: ${error.message}`);
  process.exit(1);
}
if (stopping) process.exit(stopping === "SIGINT" ? 130 : 143);

const port = process.env.PORT ?? "3000";
const publicUrl = process.env.SWITCHBOARD_URL ?? `http://localhost:${port}`;
log(`serving on ${publicUrl}`);
const nextArgs = dev ? ["dev", "-p", port] : ["start", "-p", port, "--keepAliveTimeout", KEEP_ALIVE_TIMEOUT_MS];
const child = spawn(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), ...nextArgs], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? publicUrl,
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_MANUAL_SIG_HANDLE: "1",
    // the server ends itself if this process disappears without passing a signal on (kill -9)
    SWITCHBOARD_SUPERVISOR_PID: String(process.pid),
  },
});

function forward(signal) {
  if (stopping) return;
  stopping = signal;
  log(`${signal}: stopping the server (running steps get SWITCHBOARD_SHUTDOWN_GRACE_S to finish)`);
  child.kill(signal === "SIGHUP" ? "SIGTERM" : signal);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.off(signal, stopBeforeServe);
  process.on(signal, () => forward(signal));
}
// started by npm and npm killed outright: this process was re-parented. (Started from a shell by hand,
// the shell may exit on purpose, as with nohup, so the check is only for npm.)
if (process.env.npm_lifecycle_event) {
  const orphanCheck = setInterval(() => {
    if (process.ppid !== parentAtStart) forward("SIGTERM");
  }, 1000);
  orphanCheck.unref();
}

child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
