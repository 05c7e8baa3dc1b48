import { RequestActivity } from './request-activity';

describe('RequestActivity', () => {
  it('is busy for two seconds after a request, not after health checks or scrapes', () => {
    const activity = new RequestActivity();
    expect(activity.busy(0)).toBe(false);
    activity.seen('/api/health/ready', 1000);
    activity.seen('/metrics', 1000);
    activity.seen('/api/health', 1000);
    expect(activity.busy(1000)).toBe(false);
    activity.seen('/api/flags', 1000);
    expect(activity.busy(2999)).toBe(true);
    expect(activity.busy(3000)).toBe(false);
    activity.seen('/api/healthy-looking-route', 5000);
    expect(activity.busy(5001)).toBe(true);
  });
});
