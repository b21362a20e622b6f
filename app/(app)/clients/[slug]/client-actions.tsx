"use client";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Field, FormError, Input } from "@/components/ui/field";
import { archiveClientAction, updateClientAction } from "../actions";

type ClientFields = { slug: string; name: string; description: string; monthlyBudgetUsd: number | null; monthlyTokenBudget: number | null; archived: boolean };

export function ClientActions({ client, isAdmin }: { client: ClientFields; isAdmin: boolean }) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  return (
    <>
      <Button variant="secondary" size="sm" onClick={() => dialog.current?.showModal()}>
        Edit
      </Button>
      {client.archived ? (
        <Button
          variant="secondary"
          size="sm"
          onClick={async () => {
            await archiveClientAction({ slug: client.slug, archived: false });
            router.refresh();
          }}
        >
          Unarchive
        </Button>
      ) : (
        <ConfirmButton
          label="Archive"
          title={`Archive ${client.name}?`}
          description="Archived clients are hidden from lists and cannot get new runs. Their folder and history are kept, and you can unarchive at any time."
          confirmLabel="Archive client"
          onConfirm={async () => {
            const result = await archiveClientAction({ slug: client.slug, archived: true });
            if (!result.ok) setError(result.error);
            router.refresh();
          }}
        />
      )}
      <dialog
        ref={dialog}
        aria-label="Edit client"
        className="m-auto w-full max-w-md rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <form
          className="space-y-3"
          onSubmit={async (event) => {
            event.preventDefault();
            const form = new FormData(event.currentTarget);
            // a disabled field is not in the form: an operator's save sends no budget, so the budgets stay
            // as an admin last set them (never the values this page was loaded with)
            const read = (name: string) => {
              if (!isAdmin || !form.has(name)) return undefined;
              const value = String(form.get(name) ?? "").trim();
              return value === "" ? null : Number(value);
            };
            const result = await updateClientAction({
              slug: client.slug,
              name: String(form.get("name")),
              description: String(form.get("description") ?? ""),
              monthlyBudgetUsd: read("budget"),
              monthlyTokenBudget: read("tokenBudget"),
            });
            if (!result.ok) {
              setError(result.error);
              setFieldErrors(result.fieldErrors ?? {});
              return;
            }
            dialog.current?.close();
            router.refresh();
          }}
        >
          <h2 className="font-semibold">Edit client</h2>
          <Field label="Name" htmlFor="edit-name" error={fieldErrors.name}>
            <Input id="edit-name" name="name" defaultValue={client.name} required maxLength={120} />
          </Field>
          <Field label="Description" htmlFor="edit-description" error={fieldErrors.description}>
            <Input id="edit-description" name="description" defaultValue={client.description} maxLength={2000} />
          </Field>
          <Field
            label="Monthly budget (USD)"
            htmlFor="edit-budget"
            hint={isAdmin ? "At API prices. Leave empty for no budget. At the budget, new agent runs are refused and a running agent is stopped." : "Only an admin changes budgets."}
            error={fieldErrors.monthlyBudgetUsd}
          >
            <Input id="edit-budget" name="budget" type="number" min={0} step="0.01" disabled={!isAdmin} defaultValue={client.monthlyBudgetUsd ?? ""} />
          </Field>
          <Field
            label="Monthly token budget (subscription runs)"
            htmlFor="edit-token-budget"
            hint={isAdmin ? "Tokens of runs on the operator's subscription login (input, output and cache). Leave empty for none." : "Only an admin changes budgets."}
            error={fieldErrors.monthlyTokenBudget}
          >
            <Input id="edit-token-budget" name="tokenBudget" type="number" min={0} step={1} disabled={!isAdmin} defaultValue={client.monthlyTokenBudget ?? ""} />
          </Field>
          <FormError message={error} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" size="sm" onClick={() => dialog.current?.close()}>
              Cancel
            </Button>
            <Button type="submit" size="sm">
              Save
            </Button>
          </div>
        </form>
      </dialog>
      {!dialog.current?.open && error && (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      )}
    </>
  );
}
