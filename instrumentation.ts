// Runs once when the Next server starts (never during `next build`): prepare the database and
// workspace, then start the in-process worker.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerProcess } = await import("@/lib/server-process");
  await startServerProcess();
}
