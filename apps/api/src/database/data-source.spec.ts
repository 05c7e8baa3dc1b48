import { inUtc } from './data-source';

describe('inUtc', () => {
  it('adds TimeZone=UTC to the session options and keeps the rest of the url as it was', () => {
    const url = inUtc('postgres://sieve:p%40ss%2Fw@db.internal:6432/sieve?sslmode=require');
    expect(url).toBe(
      'postgres://sieve:p%40ss%2Fw@db.internal:6432/sieve?sslmode=require&options=-c+TimeZone%3DUTC',
    );
  });

  it('comes after options the url already has, so a zone set there gives way', () => {
    const url = inUtc(
      `postgresql://u@h/d?options=${encodeURIComponent('-c search_path=sieve -c TimeZone=Asia/Kolkata')}`,
    );
    expect(new URL(url).searchParams.get('options')).toBe(
      '-c search_path=sieve -c TimeZone=Asia/Kolkata -c TimeZone=UTC',
    );
  });
});
