import { CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { describe, expect, it } from 'vitest';
import { atExpression, EventBridgeScheduler, publishTarget } from '../../functions/adapters/scheduler.ts';
import { FUNCTIONS } from '../../lib/wiring.ts';

const cfg = {
  SCHEDULER_GROUP: 'ai-credits-one-time',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  PUBLISH_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:blog-publish',
  SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:123456789012:schedules-dlq',
};

/** A SchedulerClient stand-in that records commands and answers from a script. */
function fakeClient(answer: (command: unknown) => unknown = () => ({})) {
  const sent: unknown[] = [];
  const client = { send: async (command: unknown) => (sent.push(command), answer(command)) } as unknown as SchedulerClient;
  return { client, sent };
}

describe('EventBridge Scheduler adapter', () => {
  it('given a publish time with milliseconds, then the at() expression is in UTC and rounded up, never early', () => {
    expect(atExpression(new Date('2027-03-04T05:06:07.000Z'))).toBe('at(2027-03-04T05:06:07)');
    expect(atExpression(new Date('2027-03-04T05:06:07.001Z'))).toBe('at(2027-03-04T05:06:08)');
    expect(atExpression(new Date('2027-12-31T23:59:59.500Z'))).toBe('at(2028-01-01T00:00:00)');
  });

  it('given a post to publish, then one one-time schedule targets the publish function with its role, DLQ and retry policy, and deletes itself after firing', async () => {
    const { client, sent } = fakeClient();
    await new EventBridgeScheduler(client, cfg).schedulePublish('blog-post_1', new Date('2027-03-04T05:06:07Z'), { accountId: 'acct_1', postId: 'post_1' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(CreateScheduleCommand);
    const input = (sent[0] as CreateScheduleCommand).input;
    expect(input).toMatchObject({
      Name: 'blog-post_1',
      GroupName: cfg.SCHEDULER_GROUP,
      ScheduleExpression: 'at(2027-03-04T05:06:07)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: cfg.PUBLISH_FUNCTION_ARN,
        RoleArn: cfg.SCHEDULER_ROLE_ARN,
        DeadLetterConfig: { Arn: cfg.SCHEDULER_DLQ_ARN },
        RetryPolicy: { MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) },
      },
    });
    expect(JSON.parse(input.Target!.Input!)).toEqual({ accountId: 'acct_1', postId: 'post_1' });
  });

  it('given no target configured (a function without scheduler:manage), then creating a schedule fails loudly', async () => {
    const { client, sent } = fakeClient();
    await expect(new EventBridgeScheduler(client, { ...cfg, PUBLISH_FUNCTION_ARN: '' }).schedulePublish('n', new Date(), { accountId: 'a', postId: 'p' })).rejects.toThrow(/PUBLISH_FUNCTION_ARN/);
    expect(sent).toHaveLength(0);
  });

  it('given a cancel, then the schedule is deleted from its group; one that already fired (not found) is false, other errors throw', async () => {
    const { client, sent } = fakeClient();
    expect(await new EventBridgeScheduler(client, cfg).cancel('blog-post_1')).toBe(true);
    expect(sent[0]).toBeInstanceOf(DeleteScheduleCommand);
    expect((sent[0] as DeleteScheduleCommand).input).toEqual({ Name: 'blog-post_1', GroupName: cfg.SCHEDULER_GROUP });

    const gone = fakeClient(() => {
      throw new ResourceNotFoundException({ message: 'nope', Message: 'nope', $metadata: {} });
    });
    expect(await new EventBridgeScheduler(gone.client, cfg).cancel('blog-post_1')).toBe(false);

    const broken = fakeClient(() => {
      throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
    });
    await expect(new EventBridgeScheduler(broken.client, cfg).cancel('blog-post_1')).rejects.toThrow('denied');
  });

  it('given the wiring, then exactly one function is the schedules’ target, it has no routes, and the functions that create and delete schedules may manage them', () => {
    expect(publishTarget()).toBe('blog-publish');
    const target = FUNCTIONS.find((f) => f.id === 'blog-publish')!;
    expect(target.routes ?? []).toEqual([]);
    expect(FUNCTIONS.filter((f) => f.access.includes('scheduler:create')).map((f) => f.id)).toEqual(['blog-posts-create']);
    expect(FUNCTIONS.filter((f) => f.access.includes('scheduler:delete')).map((f) => f.id)).toEqual(['blog-posts-cancel']);
  });
});
