import { useDashboard } from '../hooks/useDashboard';
import type { ConnectionStatus as Status } from '../lib/types';

const LABELS: Record<Status, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};

const DOT: Record<Status, string> = {
  connecting: 'bg-amber-400 ring-amber-400/20',
  connected: 'bg-emerald-500 ring-emerald-500/20',
  reconnecting: 'bg-red-500 ring-red-500/20',
  disconnected: 'bg-red-500 ring-red-500/20',
};

/** Green dot + "Connected", red dot + "Reconnecting…"/"Disconnected". */
export function ConnectionStatus() {
  const status = useDashboard((s) => s.connection.status);
  const color = status === 'connected' ? 'green' : status === 'connecting' ? 'amber' : 'red';
  return (
    <div
      className="inline-flex items-center gap-2 rounded-full border border-slate-200 bg-white px-3 py-1 text-sm font-medium shadow-sm dark:border-slate-700 dark:bg-slate-900"
      role="status"
      aria-live="polite"
      title={`Live connection: ${LABELS[status]}`}
    >
      <span
        className={`inline-flex size-2.5 shrink-0 rounded-full ring-4 ${DOT[status]}`}
        aria-hidden="true"
        data-testid="connection-dot"
        data-color={color}
      />
      <span data-testid="connection-status" data-state={status} data-color={color}>
        {LABELS[status]}
      </span>
    </div>
  );
}
