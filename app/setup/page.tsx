import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { countUsers } from "@/lib/auth/users";
import { SetupForm } from "./setup-form";

export const metadata: Metadata = { title: "Create the admin" };

export default async function SetupPage() {
  // the page exists only until the first user does; after that it is gone for good
  if ((await countUsers()) > 0) redirect("/login");
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <h1 className="mb-1 text-xl font-semibold">Create the admin</h1>
        <p className="mb-6 text-sm text-zinc-500">No one has an account on this Switchboard yet. The account you create here is its first admin; this page is shown only once.</p>
        <SetupForm />
      </div>
    </main>
  );
}
