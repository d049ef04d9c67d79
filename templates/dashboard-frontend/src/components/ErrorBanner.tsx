import { useEffect, useState } from 'react';
import { useDashboard, useStore } from '../hooks/useDashboard';
import { AlertIcon, CloseIcon } from './icons';

function useSecondsUntil(at: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, [at]);
  return at === null ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** role="alert" banner while the backend is unreachable or reports an error. */
export function ErrorBanner() {
  const store = useStore();
  const status = useDashboard((s) => s.connection.status);
  const everConnected = useDashboard((s) => s.connection.everConnected);
  const nextRetryAt = useDashboard((s) => s.connection.nextRetryAt);
  const attempt = useDashboard((s) => s.connection.attempt);
  const backendError = useDashboard((s) => s.backendError);
  const seconds = useSecondsUntil(nextRetryAt);

  const unreachable = status === 'reconnecting' || status === 'disconnected';
  if (!unreachable && backendError === null) return null;

  return (
    <div
      role="alert"
      data-testid="error-banner"
      className="border-b border-red-200 bg-red-50 text-red-900 dark:border-red-900/60 dark:bg-red-950/60 dark:text-red-100"
    >
      <div className="mx-auto flex max-w-[1800px] items-start gap-3 px-4 py-3 sm:px-6">
        <AlertIcon className="mt-0.5 size-5 shrink-0 text-red-600 dark:text-red-400" />
        <div className="min-w-0 flex-1 space-y-1 text-sm">
          {unreachable && (
            <p>
              <strong className="font-semibold">
                {everConnected ? 'Lost the connection to the dashboard backend.' : 'Cannot reach the dashboard backend.'}
              </strong>{' '}
              {seconds !== null && seconds > 0
                ? `Retrying in ${seconds} s (attempt ${attempt + 1}).`
                : 'Trying to reconnect…'}{' '}
              {everConnected && 'The rows shown may be out of date.'}
            </p>
          )}
          {backendError !== null && (
            <p>
              <strong className="font-semibold">The backend reported an error:</strong>{' '}
              <span className="break-words">{backendError}</span>
            </p>
          )}
        </div>
        {backendError !== null && !unreachable && (
          <button
            type="button"
            onClick={() => store.dispatch({ type: 'dismissError' })}
            className="rounded-md p-1 text-red-700 hover:bg-red-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 dark:text-red-300 dark:hover:bg-red-900/50"
            aria-label="Dismiss error"
          >
            <CloseIcon className="size-4" />
          </button>
        )}
      </div>
    </div>
  );
}
