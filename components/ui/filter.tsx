// The GET filter forms of the list pages (/runs, /drafts): a labelled select per filter, and links that
// keep the current filters.
import { Select } from "@/components/ui/field";

type Option = { value: string; label: string };

/** A labelled select whose first option ("All clients", "Any status") means no filter. */
export function FilterSelect({ label, name, value, anyLabel, options, className }: { label: string; name: string; value: string | undefined; anyLabel: string; options: Option[]; className: string }) {
  return (
    <label className="text-xs text-zinc-500">
      {label}
      <Select name={name} defaultValue={value ?? ""} className={className}>
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </Select>
    </label>
  );
}

/** The query string of `params` with `changes` applied; empty values are left out. */
export function queryWith(params: Record<string, string | undefined>, changes: Record<string, string> = {}): string {
  return new URLSearchParams(Object.entries({ ...params, ...changes }).filter((e): e is [string, string] => Boolean(e[1]))).toString();
}
