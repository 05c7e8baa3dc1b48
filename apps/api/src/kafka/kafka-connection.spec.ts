import { ConfigError, loadConfig } from '../config/app-config';
import { kafkaConnectionOptions } from './kafka-connection';

const base = { DATABASE_URL: 'postgres://db/sieve', KAFKA_BROKERS: 'kafka:9093' };
const files: Record<string, string> = { '/ca.pem': 'CA', '/cert.pem': 'CERT', '/key.pem': 'KEY' };
const readFile = (path: string) => {
  if (!(path in files)) throw new Error('ENOENT: no such file or directory');
  return Buffer.from(files[path]);
};

describe('kafkaConnectionOptions', () => {
  it('is plaintext without authentication by default', () => {
    expect(kafkaConnectionOptions(loadConfig(base), readFile)).toStrictEqual({});
  });

  it('sets TLS with the CA, client certificate and key read from their files, and SASL', () => {
    const options = kafkaConnectionOptions(
      loadConfig({
        ...base,
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: '/ca.pem',
        KAFKA_SSL_CERT_FILE: '/cert.pem',
        KAFKA_SSL_KEY_FILE: '/key.pem',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'sieve',
        KAFKA_SASL_PASSWORD: 's3cret',
      }),
      readFile,
    );
    expect(options).toStrictEqual({
      ssl: {
        rejectUnauthorized: true,
        ca: Buffer.from('CA'),
        cert: Buffer.from('CERT'),
        key: Buffer.from('KEY'),
      },
      sasl: { mechanism: 'scram-sha-512', username: 'sieve', password: 's3cret' },
    });
  });

  it('stops the start on a certificate file it cannot read, naming the setting', () => {
    const config = loadConfig({ ...base, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/missing.pem' });
    expect(() => kafkaConnectionOptions(config, readFile)).toThrow(ConfigError);
    expect(() => kafkaConnectionOptions(config, readFile)).toThrow(
      /KAFKA_SSL_CA_FILE: cannot read \/missing\.pem/,
    );
  });

  it('refuses incomplete or unsafe combinations at start, never echoing the password', () => {
    const refused = (env: Record<string, string>) => {
      try {
        loadConfig({ ...base, ...env });
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refused({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).toMatch(
      /KAFKA_SASL_MECHANISM: .*needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    );
    expect(refused({ KAFKA_SSL_CA_FILE: '/ca.pem' })).toMatch(/only used with KAFKA_SSL=true/);
    expect(refused({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/cert.pem' })).toMatch(
      /KAFKA_SSL_KEY_FILE/,
    );
    const plainInClear = refused({
      NODE_ENV: 'production',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'hunter2-password',
    });
    expect(plainInClear).toMatch(/SASL PLAIN sends the password in clear/);
    expect(plainInClear).not.toContain('hunter2-password');
  });
});
