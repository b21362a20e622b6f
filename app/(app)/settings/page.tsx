import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td, Th } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/session";
import { listApiTokens } from "@/lib/auth/tokens";
import { mcpEndpointUrl } from "@/lib/operator-mcp/links";
import { listUsers } from "@/lib/auth/users";
import { listModelPrices } from "@/lib/spend/prices";
import { MyNotificationsCard } from "./my-notifications-card";
import { NotificationsCard, PushControl } from "./notifications-card";
import { PricesCard } from "./prices-card";
import { RunnersCard } from "./runners-card";
import { NewTokenForm, NewUserForm, RevokeTokenButton } from "./settings-forms";
import { UserActions } from "./user-actions";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requirePageUser();
  if (user.role !== "admin") {
    return (
      <>
        <PageHeader title="Settings" />
        <Card title="Admins only">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">You are signed in as an operator. Users, API tokens and settings are managed by an admin of this Switchboard.</p>
        </Card>
        <div className="mt-6">
          <Card title="Push on this browser">
            <PushControl />
          </Card>
        </div>
        <div className="mt-6">
          <MyNotificationsCard user={user} />
        </div>
      </>
    );
  }
  const [users, tokens, prices] = await Promise.all([listUsers(), listApiTokens(), listModelPrices()]);
  return (
    <>
      <PageHeader title="Settings" description="Users, API tokens, agent runners, model prices and notifications of this Switchboard." />
      <div className="space-y-6">
        <Card title="Users">
          <Table className="mb-4">
            <thead>
              <tr>
                <Th>Email</Th>
                <Th>Name</Th>
                <Th>Role</Th>
                <Th>Status</Th>
                <Th>Added</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <Td>
                    {u.email}
                    {u.id === user.id && <span className="ml-1 text-xs text-zinc-500">(you)</span>}
                  </Td>
                  <Td>{u.name}</Td>
                  <Td>{u.role}</Td>
                  <Td>
                    {u.disabledAt ? (
                      <span data-status="disabled" className="text-sm text-zinc-500">
                        ⊘ disabled
                      </span>
                    ) : (
                      <StatusBadge status="active" />
                    )}
                  </Td>
                  <Td>
                    <RelativeTime value={u.createdAt} />
                  </Td>
                  <Td>
                    <UserActions user={{ id: u.id, email: u.email, role: u.role, disabled: Boolean(u.disabledAt) }} isSelf={u.id === user.id} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <NewUserForm />
        </Card>
        <Card title="API tokens">
          <p className="mb-3 text-sm text-zinc-500">
            Scripts and agents call the JSON API with <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>. A token acts as the admin who made it, limited by its scope: <strong>read</strong> only reads;{" "}
            <strong>run</strong> also runs pipelines, cancels and retries runs, and decides drafts; <strong>admin</strong> may do everything its maker may. It is shown once; only a hash is stored.{" "}
            <code className="font-mono">npm run token -- &lt;name&gt; --scope read|run|admin</code> makes one from the shell. The same token connects Claude Code or Codex to Switchboard&apos;s own MCP server at{" "}
            <code className="font-mono">{mcpEndpointUrl()}</code>: the lines to copy are shown with a new token.
          </p>
          {tokens.length > 0 && (
            <Table className="mb-4">
              <thead>
                <tr>
                  <Th>Name</Th>
                  <Th>Token</Th>
                  <Th>Scope</Th>
                  <Th>Owner</Th>
                  <Th>Created</Th>
                  <Th>Last used</Th>
                  <Th>Status</Th>
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id}>
                    <Td>{t.name}</Td>
                    <Td className="font-mono text-xs">{t.prefix}…</Td>
                    <Td>{t.scope}</Td>
                    <Td>{t.user.email}</Td>
                    <Td>
                      <RelativeTime value={t.createdAt} />
                    </Td>
                    <Td>
                      <RelativeTime value={t.lastUsedAt} />
                    </Td>
                    <Td>
                      <StatusBadge status={t.revokedAt ? "cancelled" : "active"} />
                    </Td>
                    <Td>{!t.revokedAt && <RevokeTokenButton id={t.id} name={t.name} />}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          <NewTokenForm mcpUrl={mcpEndpointUrl()} />
        </Card>
        <RunnersCard />
        <PricesCard prices={prices.map(({ updatedAt: _updatedAt, ...p }) => p)} />
        <NotificationsCard />
        <MyNotificationsCard user={user} />
      </div>
    </>
  );
}
