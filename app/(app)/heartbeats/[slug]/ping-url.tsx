"use client";
// The ping URL with a copy button, curl and crontab examples, and (for admins) a new token.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { FormError } from "@/components/ui/field";
import { regeneratePingTokenAction } from "../actions";

export function PingUrl({ slug, url, cron, isAdmin }: { slug: string; url: string | null; cron: string | null; isAdmin: boolean }) {
  const router = useRouter();
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const regenerate = isAdmin && (
    <ConfirmButton
      label="New token"
      title="Make a new ping token?"
      description="The current ping URL stops working at once; every job that pings it must get the new one."
      confirmLabel="Make a new token"
      onConfirm={async () => {
        const result = await regeneratePingTokenAction({ slug });
        if (!result.ok) setError(result.error);
        router.refresh();
      }}
    />
  );
  if (!url) {
    return (
      <div className="space-y-2 text-sm">
        <p>This ping URL cannot be shown: it was sealed under another session secret.{isAdmin ? " Make a new token to get a URL." : " An admin can make a new one."}</p>
        {regenerate}
        <FormError message={error} />
      </div>
    );
  }
  const schedule = cron ?? "0 * * * *";
  return (
    <div className="space-y-3 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        <code aria-label="Ping URL" className="min-w-0 flex-1 rounded bg-zinc-100 px-2 py-1 font-mono text-xs break-all dark:bg-zinc-800">
          {url}
        </code>
        <Button
          size="sm"
          variant="secondary"
          onClick={async () => {
            await navigator.clipboard.writeText(url);
            setCopied(true);
            setTimeout(() => setCopied(false), 2_000);
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
        {regenerate}
      </div>
      <FormError message={error} />
      <p className="text-zinc-500">
        <code className="font-mono">/start</code> when the job begins, the URL itself on success, <code className="font-mono">/fail</code> on failure, or <code className="font-mono">/&lt;exit code&gt;</code> (0 is
        success). GET or POST; up to 10 KB of a POST body is kept with the signal.
      </p>
      <pre className="overflow-x-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-800">{`# curl: success, or the failure with its output
curl -fsS -m 10 --retry 5 -o /dev/null ${url}
curl -fsS -m 10 --retry 5 --data-raw "$(tail -c 10000 /var/log/job.log)" ${url}/fail

# crontab: report start, then the exit code
${schedule} curl -fsS -m 10 -o /dev/null ${url}/start; /usr/local/bin/job.sh; curl -fsS -m 10 -o /dev/null ${url}/$?`}</pre>
    </div>
  );
}
