// The one process-group rule: a child leads its own group, and ending it ends every process in the
// group, those that ignore SIGTERM included (SIGKILL after the grace), before the promise resolves.
import { describe, expect, it } from "vitest";
import { groupAlive, killChildGroup, killGroup, spawnGroup } from "@/lib/process-group";
import { processesInGroup } from "@/lib/testing/processes";
import { waitFor } from "@/lib/testing/wait-for";

describe("process groups", () => {
  it("ends a whole group, a member that ignores SIGTERM included, and resolves only when it is gone", async () => {
    // the shell and its two sleeps ignore SIGTERM (an ignored signal stays ignored across exec)
    const child = spawnGroup("/bin/sh", ["-c", "trap '' TERM; sleep 1000 & sleep 1000 & wait"], { stdio: "ignore" });
    const pgid = child.pid ?? 0;
    await waitFor(async () => processesInGroup(pgid).length >= 3, 10_000, "the group's three processes");
    // two callers ending the same group share one ending
    await Promise.all([killChildGroup(child), killGroup(pgid)]);
    expect(groupAlive(pgid)).toBe(false);
    expect(processesInGroup(pgid)).toEqual([]);
  });

  it("is a no-op for a group that is already gone", async () => {
    const child = spawnGroup("/bin/true", [], { stdio: "ignore" });
    await new Promise((resolve) => child.on("close", resolve));
    await killChildGroup(child);
    await killGroup(null);
    expect(groupAlive(child.pid ?? 0)).toBe(false);
  });
});
