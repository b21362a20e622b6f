// npm start: install when needed, generate the Prisma client, build when no build is current, serve.
// Migrations, the demo workspace and the first admin are handled by the server itself (lib/startup.ts).
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureBuild, ensurePackages, ensurePrismaClient, log, root } from "./lib/setup.mjs";

const dev = process.argv.includes("--dev");
try {
  ensurePackages();
  ensurePrismaClient();
  if (!dev) ensureBuild();
} catch (error) {
  console.error(`[switchboard] start-up failed: ${error.message}`);
  process.exit(1);
}

const port = process.env.PORT ?? "3000";
const publicUrl = process.env.SWITCHBOARD_URL ?? `http://localhost:${port}`;
log(`serving on ${publicUrl}`);
const child = spawn(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), dev ? "dev" : "start", "-p", port], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? publicUrl, NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "1" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
