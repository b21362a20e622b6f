"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { createTokenAction, createUserAction, revokeTokenAction } from "./actions";
import { McpSetup } from "./mcp-setup";

export function NewTokenForm({ mcpUrl }: { mcpUrl: string }) {
  const router = useRouter();
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-3">
      <form
        aria-label="New API token"
        className="flex flex-wrap items-end gap-2"
        onSubmit={async (event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const data = new FormData(form);
          const scope = data.get("scope");
          const result = await createTokenAction({ name: String(data.get("name")), scope: scope === "read" || scope === "admin" ? scope : "run" });
          if (!result.ok) return setError(result.fieldErrors?.name?.[0] ?? result.error);
          setError(null);
          setToken(result.data.token);
          form.reset();
          router.refresh();
        }}
      >
        <Field label="Token name" htmlFor="token-name">
          <Input id="token-name" name="name" placeholder="e.g. cron on nexus" required maxLength={80} />
        </Field>
        <Field label="Scope" htmlFor="token-scope">
          <Select id="token-scope" name="scope" defaultValue="run">
            <option value="read">read: only reads</option>
            <option value="run">run: reads, runs pipelines, decides drafts</option>
            <option value="admin">admin: everything you may do</option>
          </Select>
        </Field>
        <Button type="submit">Create token</Button>
      </form>
      <FormError message={error} />
      {token && (
        <div role="status" className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-800 dark:bg-emerald-950">
          <p className="font-medium">Copy this token now: it is not shown again.</p>
          <div className="mt-2 flex items-center gap-2">
            <code data-testid="new-token" className="min-w-0 flex-1 overflow-x-auto rounded bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-900">
              {token}
            </code>
            <Button size="sm" variant="secondary" onClick={() => navigator.clipboard?.writeText(token)}>
              Copy
            </Button>
          </div>
          <McpSetup mcpUrl={mcpUrl} token={token} />
        </div>
      )}
    </div>
  );
}

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  return (
    <ConfirmButton
      label="Revoke"
      title={`Revoke the token “${name}”?`}
      description="Scripts using it get 401 from now on. This cannot be undone."
      confirmLabel="Revoke token"
      onConfirm={async () => {
        await revokeTokenAction({ id });
        router.refresh();
      }}
    />
  );
}

export function NewUserForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [created, setCreated] = useState<string | null>(null);
  return (
    <form
      aria-label="New user"
      className="grid gap-3 md:grid-cols-[1fr_1fr_1fr_auto_auto] md:items-end"
      onSubmit={async (event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const data = new FormData(form);
        const result = await createUserAction({
          email: String(data.get("email")),
          name: String(data.get("name") ?? ""),
          password: String(data.get("password")),
          role: data.get("role") === "admin" ? "admin" : "operator",
        });
        if (!result.ok) {
          setError(result.error);
          setFieldErrors(result.fieldErrors ?? {});
          return;
        }
        setError(null);
        setFieldErrors({});
        setCreated(result.data.email);
        form.reset();
        router.refresh();
      }}
    >
      <Field label="Email" htmlFor="user-email" error={fieldErrors.email}>
        <Input id="user-email" name="email" type="email" required />
      </Field>
      <Field label="Name" htmlFor="user-name" error={fieldErrors.name}>
        <Input id="user-name" name="name" />
      </Field>
      <Field label="Password" htmlFor="user-password" error={fieldErrors.password}>
        <Input id="user-password" name="password" type="password" required minLength={10} autoComplete="new-password" />
      </Field>
      <Field label="Role" htmlFor="user-role">
        <Select id="user-role" name="role" defaultValue="operator">
          <option value="operator">operator</option>
          <option value="admin">admin</option>
        </Select>
      </Field>
      <Button type="submit">Add user</Button>
      <div className="md:col-span-5">
        <FormError message={error} />
        {created && (
          <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
            Added {created}.
          </p>
        )}
      </div>
    </form>
  );
}
