import { readFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../config/app-config';
import { kafkaConnectionOptions } from './kafka-connection';

const TLS = join(__dirname, '../../test/tls');

/**
 * The mock broker speaks plaintext only (and no SASL: kafkajs gets "does not support the
 * requested API version" for SaslHandshake), so TLS is checked through a proxy that terminates
 * TLS with a test certificate and forwards to it: the api's client must verify the broker's
 * certificate against KAFKA_SSL_CA_FILE and refuse one it cannot verify.
 */
describe('Kafka over TLS', () => {
  let proxy: Server;
  let port = 0;
  let handshakes = 0;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    const [host, brokerPort] = (process.env['SIEVE_TEST_KAFKA_BROKERS'] as string)
      .split(',')[0]
      .split(':');
    proxy = createServer(
      {
        key: readFileSync(join(TLS, 'broker.key')),
        cert: readFileSync(join(TLS, 'broker.crt')),
      },
      (client) => {
        handshakes++;
        const broker = tcpConnect(Number(brokerPort), host);
        sockets.add(client).add(broker);
        client.pipe(broker).pipe(client);
        client.on('error', () => broker.destroy());
        broker.on('error', () => client.destroy());
      },
    );
    proxy.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    port = (proxy.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => proxy.close(resolve));
  });

  function adminWith(env: Record<string, string>) {
    const config = loadConfig({
      DATABASE_URL: 'postgres://unused/x',
      KAFKA_BROKERS: `127.0.0.1:${port}`,
      ...env,
    });
    return new Kafka({
      clientId: 'sieve-tls-test',
      brokers: config.KAFKA_BROKERS,
      ...kafkaConnectionOptions(config),
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 3000,
    }).admin();
  }

  it('talks to a broker whose certificate KAFKA_SSL_CA_FILE vouches for', async () => {
    const before = handshakes;
    const admin = adminWith({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(TLS, 'ca.crt') });
    // Connecting speaks Kafka (ApiVersions, Metadata) with the seed broker through TLS. Later
    // requests would go to the broker the mock advertises, which is plaintext.
    await admin.connect();
    await admin.disconnect();
    expect(handshakes).toBeGreaterThan(before);
  });

  it('refuses a broker certificate it cannot verify', async () => {
    const admin = adminWith({ KAFKA_SSL: 'true' });
    await expect(admin.connect()).rejects.toThrow(/certificate/i);
    await admin.disconnect();
  });
});
