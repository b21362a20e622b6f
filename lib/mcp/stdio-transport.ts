// A stdio transport whose server runs in a process group of its own. A server is often a wrapper
// (`npx`, `uvx`, `sh -c`) around the real process: ending only the child the SDK's transport knows about
// leaves the real server running. Here the child leads its own group (detached: setsid), and closing
// ends the whole group: stdin closed, then SIGTERM to the group, then SIGKILL to whatever is left.
import { spawn, type ChildProcess } from "node:child_process";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

const CLOSE_GRACE_MS = 2_000;

export type GroupStdioOptions = {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  maxBufferSize: number;
  /** every stderr chunk; the caller keeps a bounded tail */
  onStderr?: (chunk: Buffer) => void;
};

/** Sends a signal to a whole process group; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

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
      const child: ChildProcess = spawn(this.options.command, this.options.args, {
        env: this.options.env as NodeJS.ProcessEnv,
        cwd: this.options.cwd,
        stdio: ["pipe", "pipe", "pipe"],
        shell: false,
        detached: true,
      });
      this.child = child;
      child.on("error", (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.on("spawn", () => resolve());
      // the leader is gone (a wrapper such as `sh -c` or npx killed, or crashed): what it left in its group
      // goes with it, which also closes the pipes those processes held open
      child.on("exit", () => {
        if (child.pid) signalGroup(child.pid, "SIGKILL");
      });
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
      const grace = () => new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
      try {
        child.stdin?.end();
      } catch {
        // already closed
      }
      await Promise.race([closed, grace()]);
      if (signalGroup(pgid, "SIGTERM")) {
        await Promise.race([closed, grace()]);
        signalGroup(pgid, "SIGKILL");
      }
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
