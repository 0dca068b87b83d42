// Which account an account page is about, and the links between its pages.
import type { Account } from '../../api.js';
import { accountName, EnvBadge } from '../../components/display.js';
import { CopyId } from '../../components/copy-field.js';
import { agentsPath, connectPath } from './account-path.js';

export function AccountHeader(p: { account: Account | null; accountId: string; here: 'agents' | 'connect'; navigate(path: string): void }) {
  const link = (to: string, label: string, current: boolean) => (
    <a
      href={to}
      aria-current={current ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        p.navigate(to);
      }}
    >
      {label}
    </a>
  );
  return (
    <div class="card account-header">
      <div>
        {p.account ? (
          <div class="strong">
            {p.account.origin_owner_name} ({accountName(p.account)}) <EnvBadge env={p.account.environment} />
          </div>
        ) : (
          <div class="muted">Account</div>
        )}
        <CopyId value={p.accountId} label="Copy the account id" />
      </div>
      <nav aria-label="Account pages" class="account-tabs">
        {link('/dashboard/accounts', 'All accounts', false)}
        {link(agentsPath(p.accountId), 'Agent tokens', p.here === 'agents')}
        {link(connectPath(p.accountId), 'Connect an agent', p.here === 'connect')}
      </nav>
    </div>
  );
}
