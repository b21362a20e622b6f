"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { createClientAction } from "./actions";

function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
}

export function NewClientForm() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugTouched, setSlugTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);
  if (!open) return <Button onClick={() => setOpen(true)}>New client</Button>;
  return (
    <form
      aria-label="New client"
      className="grid gap-3 rounded-lg border border-zinc-200 bg-white p-4 md:grid-cols-[1fr_1fr_2fr_auto] md:items-end dark:border-zinc-800 dark:bg-zinc-900"
      onSubmit={async (event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        setBusy(true);
        const result = await createClientAction({ name, slug, description: String(form.get("description") ?? "") });
        setBusy(false);
        if (!result.ok) {
          setError(result.error);
          setFieldErrors(result.fieldErrors ?? {});
          return;
        }
        router.push(`/clients/${result.data.slug}`);
      }}
    >
      <Field label="Name" htmlFor="client-name" error={fieldErrors.name}>
        <Input
          id="client-name"
          value={name}
          required
          maxLength={120}
          onChange={(e) => {
            setName(e.target.value);
            if (!slugTouched) setSlug(slugify(e.target.value));
          }}
        />
      </Field>
      <Field label="Slug" htmlFor="client-slug" hint="Folder name: clients/<slug>" error={fieldErrors.slug}>
        <Input
          id="client-slug"
          value={slug}
          required
          pattern="[a-z0-9][a-z0-9-]{0,62}"
          onChange={(e) => {
            setSlug(e.target.value);
            setSlugTouched(true);
          }}
        />
      </Field>
      <Field label="Description" htmlFor="client-description" error={fieldErrors.description}>
        <Input id="client-description" name="description" maxLength={2000} />
      </Field>
      <div className="flex gap-2">
        <Button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create client"}
        </Button>
        <Button variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
      <div className="md:col-span-4">
        <FormError message={error} />
      </div>
    </form>
  );
}
