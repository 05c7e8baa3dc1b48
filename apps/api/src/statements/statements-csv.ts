import type { DsaStatement } from '@sieve/moderation';
import type { StatementDto } from '@sieve/contracts';
import { toCsv } from '../common/csv';

const COLUMNS: (keyof DsaStatement)[] = [
  'puid',
  'decision_visibility',
  'decision_account',
  'decision_ground',
  'decision_ground_reference_url',
  'illegal_content_legal_ground',
  'illegal_content_explanation',
  'incompatible_content_ground',
  'incompatible_content_explanation',
  'incompatible_content_illegal',
  'content_type',
  'category',
  'category_addition',
  'category_specification',
  'territorial_scope',
  'content_language',
  'content_date',
  'application_date',
  'decision_facts',
  'source_type',
  'automated_detection',
  'automated_decision',
];

/** CSV (common/csv), one statement per row, list fields joined with `;`. */
export function statementsCsv(statements: StatementDto[]): string {
  const header = ['made_by', 'final_at', 'submission', ...COLUMNS];
  const rows = statements.map((s) => [
    s.madeBy,
    s.finalAt ?? '',
    s.submission,
    ...COLUMNS.map((column) => {
      const value = s.statement[column];
      return Array.isArray(value) ? value.join(';') : (value ?? '');
    }),
  ]);
  return toCsv([header, ...rows]);
}
