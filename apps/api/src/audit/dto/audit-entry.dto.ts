export interface AuditEntryDto {
  id: string;
  at: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  ip: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
}

export interface AuditPageDto {
  items: AuditEntryDto[];
  nextCursor: string | null;
}
