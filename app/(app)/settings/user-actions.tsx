"use client";
// Per-user admin actions on /settings: role, disable/enable, password reset, sign out everywhere.
// Each asks before it acts; errors are shown beside the row's buttons.
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Field, FormError, Input } from "@/components/ui/field";
import type { ActionResult } from "@/lib/actions/safe-action";
import { disableUserAction, enableUserAction, resetPasswordAction, setUserRoleAction, signOutEverywhereAction } from "./actions";

type Row = { id: string; email: string; role: string; disabled: boolean };

export function UserActions({ user, isSelf }: { user: Row; isSelf: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  async function act<T>(run: () => Promise<ActionResult<T>>, message: string) {
    const result = await run();
    if (!result.ok) {
      setDone(null);
      return setError(result.error);
    }
    setError(null);
    setDone(message);
    router.refresh();
  }
  const other = user.role === "admin" ? "operator" : "admin";
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      {!isSelf && (
        <ConfirmButton
          label={`Make ${other}`}
          variant={other === "operator" ? "danger" : "primary"}
          title={`Make ${user.email} ${other === "admin" ? "an admin" : "an operator"}?`}
          description={other === "admin" ? "Admins manage users, tokens, tools and settings." : "They keep running pipelines and reviewing drafts, but can no longer manage users, tokens or tools."}
          confirmLabel={`Make ${other}`}
          onConfirm={() => act(() => setUserRoleAction({ id: user.id, role: other }), `Now ${other}.`)}
        />
      )}
      <ResetPasswordButton user={user} onDone={(r) => act(async () => r, "Password reset; their sessions ended.")} />
      <ConfirmButton
        label="Sign out everywhere"
        title={`Sign ${isSelf ? "yourself" : user.email} out everywhere?`}
        description="Every browser session of this user ends at its next request. API tokens keep working until revoked."
        confirmLabel="Sign out everywhere"
        onConfirm={() => act(() => signOutEverywhereAction({ id: user.id }), "Signed out everywhere.")}
      />
      {!isSelf &&
        (user.disabled ? (
          <Button size="sm" variant="secondary" onClick={() => act(() => enableUserAction({ id: user.id }), "Enabled.")}>
            Enable
          </Button>
        ) : (
          <ConfirmButton
            label="Disable"
            title={`Disable ${user.email}?`}
            description="Their sessions and API tokens stop working at their next request, and they cannot sign in until enabled again."
            confirmLabel="Disable user"
            onConfirm={() => act(() => disableUserAction({ id: user.id }), "Disabled.")}
          />
        ))}
      <FormError message={error} />
      {done && !error && (
        <span role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
          {done}
        </span>
      )}
    </div>
  );
}

function ResetPasswordButton({ user, onDone }: { user: Row; onDone: (result: ActionResult<{ id: string }>) => Promise<void> }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [fieldError, setFieldError] = useState<string[] | undefined>();
  const [busy, setBusy] = useState(false);
  const inputId = `reset-${user.id}`;
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => dialog.current?.showModal()}>
        Reset password
      </Button>
      <dialog ref={dialog} className="m-auto w-full max-w-sm rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100">
        <form
          aria-label={`Reset the password of ${user.email}`}
          onSubmit={async (event) => {
            event.preventDefault();
            const form = event.currentTarget;
            setBusy(true);
            try {
              const result = await resetPasswordAction({ id: user.id, password: String(new FormData(form).get("password")) });
              if (!result.ok && result.fieldErrors?.password) return setFieldError(result.fieldErrors.password);
              setFieldError(undefined);
              form.reset();
              dialog.current?.close();
              await onDone(result);
            } finally {
              setBusy(false);
            }
          }}
        >
          <h2 className="font-semibold">Reset the password of {user.email}?</h2>
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">Their sessions end at once; tell them the new password another way.</p>
          <div className="mt-3">
            <Field label="New password" htmlFor={inputId} error={fieldError}>
              <Input id={inputId} name="password" type="password" required minLength={10} autoComplete="new-password" />
            </Field>
          </div>
          <div className="mt-5 flex justify-end gap-2">
            <Button variant="secondary" size="sm" onClick={() => dialog.current?.close()}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" size="sm" disabled={busy}>
              {busy ? "Working…" : "Reset password"}
            </Button>
          </div>
        </form>
      </dialog>
    </>
  );
}
