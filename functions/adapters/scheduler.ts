/**
 * The `Scheduler` port: EventBridge Scheduler one-time schedules in AWS, the local stack's scheduler
 * when `LOCAL_STACK=1`. Both invoke the wiring's one `scheduleTarget` function with the same payload.
 */
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Env } from '../env.ts';
import type { PublishPayload, Scheduler } from '../core/blog-posts.ts';
import { log } from '../observability/log.ts';
import { SCHEDULE_TARGET } from '../resources.ts';
import { localScheduler } from './local-bus.ts';
import { traced } from '../observability/tracer.ts';
import { recordCall } from './aws-calls.ts';
import { roleCredentials } from './aws-credentials.ts';

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to the second so it never fires before `at`. */
export function atExpression(at: Date): string {
  const seconds = new Date(Math.ceil(at.getTime() / 1000) * 1000);
  return `at(${seconds.toISOString().slice(0, 19)})`;
}

/** How long EventBridge Scheduler keeps retrying a failed invocation before it dead-letters it. */
export const PUBLISH_RETRY = { maximumRetryAttempts: 10, maximumEventAgeSeconds: 6 * 3600 } as const;

/** Creating a schedule that runs as the scheduler role passes that role to EventBridge Scheduler. */
function recordSchedule(): void {
  recordCall('scheduler:CreateSchedule', 'schedule-group');
  recordCall('iam:PassRole', 'scheduler-role');
}

export class EventBridgeScheduler implements Scheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly cfg: Pick<Env, 'SCHEDULER_GROUP' | 'SCHEDULER_ROLE_ARN' | 'PUBLISH_FUNCTION_ARN' | 'SCHEDULER_DLQ_ARN'>,
  ) {}

  async schedulePublish(name: string, at: Date, payload: PublishPayload): Promise<void> {
    recordSchedule();
    if (!this.cfg.PUBLISH_FUNCTION_ARN || !this.cfg.SCHEDULER_ROLE_ARN) {
      throw new Error('PUBLISH_FUNCTION_ARN and SCHEDULER_ROLE_ARN must be set to create schedules (scheduler:create access)');
    }
    await this.client.send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: this.cfg.SCHEDULER_GROUP,
        ScheduleExpression: atExpression(at),
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        // A one-time schedule has nothing left to do once it fired: do not let them pile up to the quota.
        ActionAfterCompletion: 'DELETE',
        // The name is unique per post, so a retried create is the same request.
        ClientToken: name,
        Target: {
          Arn: this.cfg.PUBLISH_FUNCTION_ARN,
          RoleArn: this.cfg.SCHEDULER_ROLE_ARN,
          Input: JSON.stringify(payload),
          RetryPolicy: { MaximumRetryAttempts: PUBLISH_RETRY.maximumRetryAttempts, MaximumEventAgeInSeconds: PUBLISH_RETRY.maximumEventAgeSeconds },
          ...(this.cfg.SCHEDULER_DLQ_ARN ? { DeadLetterConfig: { Arn: this.cfg.SCHEDULER_DLQ_ARN } } : {}),
        },
      }),
    );
  }

  async cancel(name: string): Promise<boolean> {
    recordCall('scheduler:DeleteSchedule', 'schedule-group');
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.cfg.SCHEDULER_GROUP }));
      return true;
    } catch (err) {
      // Already fired (and deleted after completion) or deleted before: nothing left to cancel.
      if ((err as { name?: string }).name === 'ResourceNotFoundException') return false;
      log.warn('DeleteSchedule failed', { schedule: name, error: String(err) });
      throw err;
    }
  }
}

/** The local stack's scheduler (lib/local/scheduler.ts), on the service clock. */
export class LocalStackScheduler implements Scheduler {
  constructor(private readonly target: string) {}

  async schedulePublish(name: string, at: Date, payload: PublishPayload): Promise<void> {
    recordSchedule();
    await localScheduler().createOneTime({ name, at: at.toISOString(), target: this.target, payload });
  }

  async cancel(name: string): Promise<boolean> {
    recordCall('scheduler:DeleteSchedule', 'schedule-group');
    return localScheduler().deleteOneTime(name);
  }
}

/** The function one-time schedules invoke (lib/wiring.ts checks that it is its one `scheduleTarget`). */
export function publishTarget(): string {
  return SCHEDULE_TARGET;
}

export function makeScheduler(env: Env): Scheduler {
  if (env.LOCAL_STACK === '1') return new LocalStackScheduler(publishTarget());
  return new EventBridgeScheduler(traced(new SchedulerClient({ region: env.AWS_REGION, credentials: roleCredentials })), env);
}
