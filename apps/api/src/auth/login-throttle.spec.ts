import { auditsFailure } from './login-throttle.service';

describe('auditsFailure', () => {
  it('audits the first 20 failures of a window, then only at 32, 64, 128…', () => {
    const audited = Array.from({ length: 300 }, (_, i) => i + 1).filter(auditsFailure);
    expect(audited).toStrictEqual([
      ...Array.from({ length: 20 }, (_, i) => i + 1),
      32,
      64,
      128,
      256,
    ]);
  });
});
