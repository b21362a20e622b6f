"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { createFirstAdminAction } from "./actions";

export function SetupForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="space-y-4 rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900"
      onSubmit={async (event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const input = { email: String(form.get("email")), name: String(form.get("name")), password: String(form.get("password")) };
        setBusy(true);
        setError(null);
        const result = await createFirstAdminAction(input);
        if (!result.ok) {
          setBusy(false);
          setError(result.error);
          setFieldErrors(result.fieldErrors ?? {});
          return;
        }
        await signIn("credentials", { email: input.email, password: input.password, redirect: false });
        router.replace("/");
        router.refresh();
      }}
    >
      <Field label="Name" htmlFor="name" error={fieldErrors.name}>
        <Input id="name" name="name" autoComplete="name" />
      </Field>
      <Field label="Email" htmlFor="email" error={fieldErrors.email}>
        <Input id="email" name="email" type="email" autoComplete="username" required />
      </Field>
      <Field label="Password" htmlFor="password" hint="At least 10 characters." error={fieldErrors.password}>
        <Input id="password" name="password" type="password" autoComplete="new-password" required minLength={10} />
      </Field>
      <FormError message={error} />
      <Button type="submit" className="w-full" disabled={busy}>
        {busy ? "Creating…" : "Create admin and sign in"}
      </Button>
    </form>
  );
}
