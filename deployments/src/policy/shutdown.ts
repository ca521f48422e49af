import type { ManifestSet } from '../manifests.js';
import { get, num } from './access.js';
import type { PolicyContext, Violation } from './types.js';
import { workloads } from './workload.js';

/** Seconds kept between the server's own deadline and the kubelet's SIGKILL. */
export const MIN_SHUTDOWN_MARGIN_SECONDS = 5;
/** Kubernetes' default terminationGracePeriodSeconds. */
const DEFAULT_GRACE_SECONDS = 30;

function k5(resource: string, message: string): Violation {
  return { rule: 'K5', resource, message };
}

/**
 * K5: a preStop sleep (so endpoints are removed before SIGTERM starts the drain) and a grace
 * period covering preStop + the server's shutdown deadline + a margin, so SIGKILL never cuts
 * a drain the server would finish (finding 15).
 */
export function checkShutdown(set: ManifestSet, context: PolicyContext): Violation[] {
  // An unreadable deadline must fail the check, not make every comparison false.
  if (!Number.isFinite(context.shutdownDeadlineMs) || context.shutdownDeadlineMs < 0) {
    return [k5('(context)', 'the shutdown deadline is not a valid duration')];
  }
  const out: Violation[] = [];
  const deadlineSeconds = Math.ceil(context.shutdownDeadlineMs / 1000);
  for (const workload of workloads(set)) {
    const grace = num(workload.podSpec.terminationGracePeriodSeconds) ?? DEFAULT_GRACE_SECONDS;
    for (const container of workload.mainContainers) {
      const where = container.where;
      const preStop = num(get(container.spec, 'lifecycle', 'preStop', 'sleep', 'seconds'));
      if (preStop === undefined || preStop <= 0) {
        out.push(
          k5(
            where,
            'lifecycle.preStop.sleep.seconds must be > 0 (the sleep action needs no shell in the image)',
          ),
        );
        continue;
      }
      const needed = preStop + deadlineSeconds + MIN_SHUTDOWN_MARGIN_SECONDS;
      if (grace < needed) {
        out.push(
          k5(
            workload.id,
            `terminationGracePeriodSeconds ${grace} < preStop ${preStop} + shutdown deadline ${deadlineSeconds} + margin ${MIN_SHUTDOWN_MARGIN_SECONDS} = ${needed}`,
          ),
        );
      }
    }
  }
  return out;
}
