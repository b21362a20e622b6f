// A stdio transport whose server runs in a process group of its own. A server is often a wrapper
// (`npx`, `uvx`, `sh -c`) around the real process: ending only the child the SDK's transport knows about
// leaves the real server running. Here the child leads its own group (detached: setsid), and closing
// ends the whole group: stdin closed, then the one group kill of lib/process-group.ts (SIGTERM, a grace,
// SIGKILL to whatever is left).
import type { ChildProcess } from "node:child_process";
import { type JSONRPCMessage, ReadBuffer, serializeMessage, type Transport } from "@modelcontextprotocol/client";
import { GROUP_KILL_GRACE_MS, killGroup, spawnGroup } from "@/lib/process-group";

export type GroupStdioOptions = {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  maxBufferSize: number;
  /** every stderr chunk; the caller keeps a bounded tail */
  onStderr?: (chunk: Buffer) => void;
};

export class GroupStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private child: ChildProcess | undefined;
  private readonly readBuffer: ReadBuffer;
  private readonly queue: JSONRPCMessage[] = [];
  private delivering = false;

  constructor(private readonly options: GroupStdioOptions) {
    this.readBuffer = new ReadBuffer({ maxBufferSize: options.maxBufferSize });
  }

  /** The group leader's pid, which is also the group's id. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  start(): Promise<void> {
    if (this.child) throw new Error("GroupStdioTransport already started");
    return new Promise((resolve, reject) => {
      const child: ChildProcess = spawnGroup(this.options.command, this.options.args, {
        env: this.options.env,
        cwd: this.options.cwd,
        stdio: ["pipe", "pipe", "pipe"],
        shell: false,
      });
      this.child = child;
      child.on("error", (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.on("spawn", () => resolve());
      // the leader is gone (a wrapper such as `sh -c` or npx killed, or crashed): what it left in its group
      // goes with it (the one group kill), which also closes the pipes those processes held open
      child.on("exit", () => void killGroup(child.pid));
      child.on("close", () => {
        if (this.child === child) this.child = undefined;
        this.onclose?.();
      });
      child.stdin?.on("error", (error) => this.onerror?.(error));
      child.stdout?.on("data", (chunk: Buffer) => {
        try {
          this.readBuffer.append(chunk);
          this.processReadBuffer();
        } catch (error) {
          this.onerror?.(error as Error);
          void this.close();
        }
      });
      child.stdout?.on("error", (error) => this.onerror?.(error));
      // always read stderr: a server blocked on a full pipe stops answering
      child.stderr?.on("data", (chunk: Buffer) => this.options.onStderr?.(chunk));
    });
  }

  private processReadBuffer() {
    for (;;) {
      try {
        const message = this.readBuffer.readMessage();
        if (message === null) break;
        this.queue.push(message);
      } catch (error) {
        this.onerror?.(error as Error);
      }
    }
    this.deliver();
  }

  /**
   * The SDK handles a notification a microtask later but a response at once: a progress notification
   * and the response read from one chunk would lose the progress (its handler is gone by then). After a
   * notification, the next message waits until the notification has been handled.
   */
  private deliver() {
    while (!this.delivering) {
      const message = this.queue.shift();
      if (!message) return;
      this.onmessage?.(message);
      if (!("id" in message) && this.queue.length) {
        this.delivering = true;
        setImmediate(() => {
          this.delivering = false;
          this.deliver();
        });
      }
    }
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child?.pid) {
      const pgid = child.pid;
      const closed = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once("close", () => resolve());
      });
      // the MCP way first: a server ends when its stdin closes; the group kill is for one that does not
      // (and for what a wrapper left behind in the group)
      try {
        child.stdin?.end();
      } catch {
        // already closed
      }
      await Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, GROUP_KILL_GRACE_MS).unref())]);
      await killGroup(pgid);
    }
    this.readBuffer.clear();
    this.queue.length = 0;
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin) {
        reject(new Error("Not connected"));
        return;
      }
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once("drain", resolve);
    });
  }
}
