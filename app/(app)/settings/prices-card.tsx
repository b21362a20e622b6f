"use client";
// The model price table: USD per million tokens of each kind. A step's cost is computed with the price
// in force when the step ends and kept with it, so a change here applies to steps that end afterwards.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Field, FormError, Input } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { deletePriceAction, savePriceAction } from "./price-actions";

export type PriceRow = { model: string; inputUsdPerMTok: number; outputUsdPerMTok: number; cacheReadUsdPerMTok: number; cacheWriteUsdPerMTok: number; updatedByLabel: string };

const RATES = [
  { key: "inputUsdPerMTok", label: "Input" },
  { key: "outputUsdPerMTok", label: "Output" },
  { key: "cacheReadUsdPerMTok", label: "Cache read" },
  { key: "cacheWriteUsdPerMTok", label: "Cache write" },
] as const;

const EMPTY = { model: "", inputUsdPerMTok: "", outputUsdPerMTok: "", cacheReadUsdPerMTok: "", cacheWriteUsdPerMTok: "" };
type Draft = Record<keyof typeof EMPTY, string>;

export function PricesCard({ prices }: { prices: PriceRow[] }) {
  const router = useRouter();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const editing = prices.some((p) => p.model === draft.model.trim());
  return (
    <Card title="Model prices">
      <p className="mb-3 text-sm text-zinc-500">
        USD per million tokens. An agent step&apos;s cost is computed with these when the step ends and kept with it; changing a price applies to steps that end afterwards. A model matches its row, or a row it is a dated
        snapshot of (<code className="font-mono">claude-sonnet-4-5-20250929</code>). Steps of a model with no row show &quot;no price&quot;. The defaults were read from the providers&apos; pricing pages: check them
        against your own bills.
      </p>
      <Table className="mb-4">
        <thead>
          <tr>
            <Th>Model</Th>
            {RATES.map((r) => (
              <Th key={r.key} className="text-right">
                {r.label}
              </Th>
            ))}
            <Th>Changed by</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <tbody>
          {prices.map((p) => (
            <tr key={p.model} data-model={p.model}>
              <Td className="font-mono text-xs">{p.model}</Td>
              {RATES.map((r) => (
                <Td key={r.key} className="text-right tabular-nums">
                  {p[r.key]}
                </Td>
              ))}
              <Td className="text-xs text-zinc-500">{p.updatedByLabel}</Td>
              <Td>
                <div className="flex gap-1">
                  <Button
                    size="sm"
                    variant="secondary"
                    aria-label={`Edit the price of ${p.model}`}
                    onClick={() => setDraft({ model: p.model, ...Object.fromEntries(RATES.map((r) => [r.key, String(p[r.key])])) } as Draft)}
                  >
                    Edit
                  </Button>
                  <ConfirmButton
                    label="Remove"
                    title={`Remove the price of ${p.model}?`}
                    description="Steps that end afterwards on this model show “no price” until a price is added again. Costs already kept do not change."
                    confirmLabel="Remove price"
                    onConfirm={async () => {
                      const r = await deletePriceAction({ model: p.model });
                      setError(r.ok ? null : r.error);
                      router.refresh();
                    }}
                  />
                </div>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <form
        aria-label="Model price"
        className="grid gap-3 md:grid-cols-[2fr_1fr_1fr_1fr_1fr_auto] md:items-end"
        onSubmit={async (event) => {
          event.preventDefault();
          const result = await savePriceAction({ model: draft.model, ...Object.fromEntries(RATES.map((r) => [r.key, draft[r.key]])) } as Parameters<typeof savePriceAction>[0]);
          if (!result.ok) {
            setError(result.error);
            setFieldErrors(result.fieldErrors ?? {});
            return;
          }
          setError(null);
          setFieldErrors({});
          setSaved(`Saved the price of ${result.data.model}`);
          setDraft(EMPTY);
          router.refresh();
        }}
      >
        <Field label="Model id" htmlFor="price-model" error={fieldErrors.model}>
          <Input id="price-model" value={draft.model} onChange={(e) => setDraft({ ...draft, model: e.target.value })} placeholder="e.g. claude-sonnet-4-5" required maxLength={120} />
        </Field>
        {RATES.map((r) => (
          <Field key={r.key} label={`${r.label} $/MTok`} htmlFor={`price-${r.key}`} error={fieldErrors[r.key]}>
            <Input id={`price-${r.key}`} type="number" min={0} step="any" required value={draft[r.key]} onChange={(e) => setDraft({ ...draft, [r.key]: e.target.value })} />
          </Field>
        ))}
        <Button type="submit">{editing ? "Save price" : "Add price"}</Button>
      </form>
      <FormError message={error} />
      {saved && !error && (
        <p role="status" className="mt-2 text-sm text-emerald-700 dark:text-emerald-400">
          {saved}
        </p>
      )}
    </Card>
  );
}
