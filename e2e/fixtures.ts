// Shared values and the `test` every e2e journey uses. Its page guard fails a test when a page throws
// (an uncaught error, React's hydration errors #418/#423/#425 logged to the console) or opens a native
// dialog (hostile content that ran script): a journey that passes has a page that worked.
import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";
import path from "node:path";

export { expect };

export const ADMIN = { email: "admin@e2e.test", password: "correct-horse-battery-staple" };
export const e2eDir = () => process.env.SB_E2E_DIR as string;
export const workspace = () => path.join(e2eDir(), "workspace");
export const adminState = () => path.join(e2eDir(), "admin.json");

const HYDRATION = /hydrat|Minified React error #(418|423|425)|react\.dev\/errors\/(418|423|425)|did not match/i;

export type PageProblems = {
  /** what went wrong on any guarded page so far */
  readonly errors: string[];
  /** guards a page the test opened itself (a second browser context) */
  watch(page: Page): void;
  /** guards every page of a context the test made itself */
  watchContext(context: BrowserContext): void;
};

function problemsRecorder(): PageProblems {
  const errors: string[] = [];
  const watched = new WeakSet<Page>();
  const watch = (page: Page) => {
    if (watched.has(page)) return;
    watched.add(page);
    page.on("pageerror", (error) => errors.push(`uncaught error on ${page.url()}: ${error.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error" && HYDRATION.test(msg.text())) errors.push(`hydration error on ${page.url()}: ${msg.text()}`);
    });
    page.on("dialog", async (dialog) => {
      errors.push(`a ${dialog.type()} dialog opened on ${page.url()}: ${dialog.message()}`);
      await dialog.dismiss().catch(() => undefined);
    });
  };
  return {
    errors,
    watch,
    watchContext(context) {
      context.pages().forEach(watch);
      context.on("page", watch);
    },
  };
}

/**
 * A name of this test attempt's own (`base-<random>`): a retry or a repeat never meets what an earlier
 * attempt created. Lowercase, so it is also a valid client slug.
 */
export function uniqueName(base: string): string {
  return `${base}-${Math.random().toString(36).slice(2, 8)}`;
}

export const test = base.extend<{ pageProblems: PageProblems }>({
  pageProblems: [
    async ({ context }, use) => {
      const problems = problemsRecorder();
      problems.watchContext(context);
      await use(problems);
      expect(problems.errors, "the pages of this journey threw, failed to hydrate or opened a dialog").toEqual([]);
    },
    { auto: true },
  ],
});
