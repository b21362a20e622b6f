import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeNextPath } from "@/lib/auth/next-path";
import { currentUser } from "@/lib/auth/session";
import { countUsers } from "@/lib/auth/users";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if ((await countUsers()) === 0) redirect("/setup");
  const { next } = await searchParams;
  // only a path on this site may be the destination after sign-in
  const destination = safeNextPath(typeof next === "string" ? next : undefined);
  if (await currentUser()) redirect(destination);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <h1 className="mb-1 text-xl font-semibold">Sign in to Switchboard</h1>
        <p className="mb-6 text-sm text-zinc-500">The control room for your agents, pipelines and drafts.</p>
        <LoginForm destination={destination} />
      </div>
    </main>
  );
}
