import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { type AppConfig, ConfigError } from '../config/app-config';

type ConnectionConfig = Pick<
  AppConfig,
  | 'KAFKA_SSL'
  | 'KAFKA_SSL_CA_FILE'
  | 'KAFKA_SSL_CERT_FILE'
  | 'KAFKA_SSL_KEY_FILE'
  | 'KAFKA_SSL_REJECT_UNAUTHORIZED'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
>;

/**
 * TLS and SASL for every Kafka client of the api (managed Kafka needs both). Certificate files
 * are read once, at start: a missing or unreadable one stops the start with its name, not later
 * with a handshake error.
 */
export function kafkaConnectionOptions(
  config: ConnectionConfig,
  readFile: (path: string) => Buffer = readFileSync,
): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const read = (name: keyof ConnectionConfig, path: string | undefined) => {
    if (!path) return undefined;
    try {
      return readFile(path);
    } catch (error) {
      throw new ConfigError(
        `Invalid configuration:\n  ${name}: cannot read ${path} (${(error as Error).message})`,
      );
    }
  };
  const ssl = config.KAFKA_SSL
    ? {
        rejectUnauthorized: config.KAFKA_SSL_REJECT_UNAUTHORIZED,
        ca: read('KAFKA_SSL_CA_FILE', config.KAFKA_SSL_CA_FILE),
        cert: read('KAFKA_SSL_CERT_FILE', config.KAFKA_SSL_CERT_FILE),
        key: read('KAFKA_SSL_KEY_FILE', config.KAFKA_SSL_KEY_FILE),
      }
    : undefined;
  const sasl: SASLOptions | undefined =
    config.KAFKA_SASL_MECHANISM && config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD
      ? ({
          mechanism: config.KAFKA_SASL_MECHANISM,
          username: config.KAFKA_SASL_USERNAME,
          password: config.KAFKA_SASL_PASSWORD,
        } as SASLOptions)
      : undefined;
  return {
    ...(ssl && { ssl: Object.fromEntries(Object.entries(ssl).filter(([, v]) => v !== undefined)) }),
    ...(sasl && { sasl }),
  };
}
