/** What each sealed value is bound to: the secret's kind and its row. */
export const totpContext = (userId: string) => `totp:${userId}`;
export const webhookContext = (endpointId: string) => `webhook:${endpointId}`;

/** Every column holding a value the SecretBox seals, and the context it is sealed for. */
export const SEALED_COLUMNS = [
  { table: 'users', column: 'totp_secret', context: totpContext },
  { table: 'users', column: 'totp_pending_secret', context: totpContext },
  { table: 'webhook_endpoints', column: 'secret', context: webhookContext },
] as const;
