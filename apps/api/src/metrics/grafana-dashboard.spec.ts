import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsService } from './metrics.service';

const DASHBOARD = join(__dirname, '../../../../deploy/grafana/sieve-dashboard.json');
const HISTOGRAM_SERIES = /_(bucket|count|sum)$/;
/** Labels Prometheus adds when scraping, not the exporter. */
const SCRAPE_LABELS = ['instance', 'job', 'le'];

interface Panel {
  title: string;
  targets?: { expr: string }[];
}

describe('Grafana dashboard (deploy/grafana/sieve-dashboard.json)', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
  const exported = new Map(
    new MetricsService().registry
      .getMetricsAsArray()
      .map((metric) => [metric.name, (metric as unknown as { labelNames: string[] }).labelNames]),
  );
  const queries = dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
  );

  it('covers throughput, lag, latency, dead letters, flags per category, cost and waves', () => {
    const all = queries.map((q) => q.expr).join('\n');
    for (const series of [
      'sieve_events_consumed_total',
      'sieve_consumer_lag_messages',
      'sieve_event_to_decision_seconds_bucket',
      'sieve_dead_letters_total',
      'sieve_events_flagged_total',
      'sieve_mistral_cost_usd_total',
      'sieve_wave_flags_total',
      'sieve_wave_inbox_oldest_seconds',
    ]) {
      expect(all).toContain(series);
    }
  });

  it('queries only series and labels the api exports', () => {
    for (const { panel, expr } of queries) {
      for (const name of expr.match(/\bsieve_[a-z0-9_]+/g) ?? []) {
        const base = exported.has(name) ? name : name.replace(HISTOGRAM_SERIES, '');
        expect([panel, base, exported.has(base)]).toStrictEqual([panel, base, true]);
        const labels = [...SCRAPE_LABELS, ...(exported.get(base) ?? [])];
        const used = [
          ...[...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => (m[1] ?? '').split(',')),
          ...[...expr.matchAll(new RegExp(`${name}\\{([^}]*)\\}`, 'g'))].flatMap((m) =>
            (m[1] ?? '').split(',').map((matcher) => matcher.split(/[=!~]/)[0] ?? ''),
          ),
        ].map((label) => label.trim());
        for (const label of used) {
          expect([panel, name, label, labels.includes(label)]).toStrictEqual([
            panel,
            name,
            label,
            true,
          ]);
        }
      }
    }
  });
});
