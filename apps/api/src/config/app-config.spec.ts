import { ConfigError, loadConfig } from './app-config';

const base = { DATABASE_URL: 'postgres://u:p@localhost:5432/db', KAFKA_BROKERS: 'a:9092, b:9093' };

describe('loadConfig', () => {
  it('applies defaults and splits the broker list', () => {
    const config = loadConfig(base);
    expect(config.PORT).toBe(3000);
    expect(config.KAFKA_BROKERS).toStrictEqual(['a:9092', 'b:9093']);
    expect(config.KAFKA_CONTENT_TOPIC).toBe('content.events');
    expect(config.MISTRAL_API_KEY).toBeUndefined();
    // Above the 60 s idle timeout of most load balancers in front of the api.
    expect(config.HTTP_KEEP_ALIVE_TIMEOUT_MS).toBe(65_000);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ ...base, MISTRAL_API_KEY: '', PORT: '' }).PORT).toBe(3000);
  });

  it('lists every invalid variable without echoing secret values', () => {
    let error: unknown;
    try {
      loadConfig({
        DATABASE_URL: 'mysql://secret-password@x',
        KAFKA_BROKERS: 'nohost',
        PORT: '99999',
        CATEGORY_SET: 'nope',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['DATABASE_URL', 'KAFKA_BROKERS', 'PORT', 'CATEGORY_SET'])
      expect(message).toContain(name);
    expect(message).not.toContain('secret-password');
  });

  it('takes a secrets key of 32 bytes in base64 only, and previous keys only beside one', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ ...base, SECRETS_KEY: key }).SECRETS_KEY).toBe(key);
    const tooShort = Buffer.alloc(16, 7).toString('base64');
    expect(() => loadConfig({ ...base, SECRETS_KEY: tooShort })).toThrow(
      /SECRETS_KEY: must be 32 random bytes in base64/,
    );
    expect(() => loadConfig({ ...base, SECRETS_KEY: tooShort })).not.toThrow(tooShort);
    expect(() => loadConfig({ ...base, SECRETS_PREVIOUS_KEYS: key })).toThrow(
      /SECRETS_PREVIOUS_KEYS: previous keys are only read with a current SECRETS_KEY/,
    );
    const other = Buffer.alloc(32, 8).toString('base64');
    expect(
      loadConfig({ ...base, SECRETS_KEY: key, SECRETS_PREVIOUS_KEYS: ` ${other}, ` })
        .SECRETS_PREVIOUS_KEYS,
    ).toStrictEqual([other]);
  });

  it('takes the origins browsers allow security keys on, and a domain they are all under', () => {
    const origins = (value: string, rpId?: string) =>
      loadConfig({ ...base, WEBAUTHN_ORIGINS: value, ...(rpId && { WEBAUTHN_RP_ID: rpId }) });
    expect(
      origins('https://sieve.example.com/, https://eu.sieve.example.com').WEBAUTHN_ORIGINS,
    ).toStrictEqual(['https://sieve.example.com', 'https://eu.sieve.example.com']);
    expect(origins('http://localhost:4200').WEBAUTHN_ORIGINS).toStrictEqual([
      'http://localhost:4200',
    ]);
    for (const refused of [
      'http://sieve.example.com',
      'https://127.0.0.1',
      'http://[::1]:4200',
      'https://sieve.example.com/dashboard',
      'sieve.example.com',
    ])
      expect(() => origins(refused)).toThrow(/WEBAUTHN_ORIGINS: must be comma-separated origins/);
    expect(origins('https://sieve.example.com', 'example.com').WEBAUTHN_RP_ID).toBe('example.com');
    // Without one, every origin must be under the first one's host.
    expect(() => origins('https://sieve.example.com, https://other.example.com')).toThrow(
      /WEBAUTHN_RP_ID: must be each WEBAUTHN_ORIGINS host name/,
    );
    expect(
      origins('https://sieve.example.com, https://eu.sieve.example.com').WEBAUTHN_RP_ID,
    ).toBeUndefined();
    expect(() => origins('https://sieve.example.com', 'other.com')).toThrow(
      /WEBAUTHN_RP_ID: must be each WEBAUTHN_ORIGINS host name or a domain it is under/,
    );
  });

  it('makes roles sign in with a key only where keys can be made, and asks for the app too', () => {
    expect(() => loadConfig({ ...base, SECURITY_KEY_REQUIRED_ROLES: 'admin' })).toThrow(
      /SECURITY_KEY_REQUIRED_ROLES: needs WEBAUTHN_ORIGINS/,
    );
    expect(() =>
      loadConfig({
        ...base,
        WEBAUTHN_ORIGINS: 'https://sieve.example.com',
        SECURITY_KEY_REQUIRED_ROLES: 'admin,owner',
      }),
    ).toThrow(/SECURITY_KEY_REQUIRED_ROLES: must be comma-separated roles/);
    const config = loadConfig({
      ...base,
      WEBAUTHN_ORIGINS: 'https://sieve.example.com',
      SECOND_FACTOR_REQUIRED_ROLES: 'policy_admin',
      SECURITY_KEY_REQUIRED_ROLES: 'admin',
    });
    expect(config.SECURITY_KEY_REQUIRED_ROLES).toStrictEqual(['admin']);
    expect(config.SECOND_FACTOR_REQUIRED_ROLES).toStrictEqual(['policy_admin', 'admin']);
  });
});
