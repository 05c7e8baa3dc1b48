import { useSystemInfo } from '../hooks/use-system';

/** Says plainly where scores come from; the offline scorer must never pass for Mistral. */
export function ScorerBanner() {
  const { data } = useSystemInfo();
  if (!data) return null;
  if (data.scorer.kind === 'offline') {
    return (
      <div className="banner banner-offline" role="status" data-testid="scorer-banner">
        <strong>Offline demo scorer.</strong> Scores come from word lists and PII patterns (
        {data.scorer.model}), not from Mistral. Set <code>MISTRAL_API_KEY</code> to score with
        Mistral moderation.
      </div>
    );
  }
  return (
    <div className="banner banner-mistral" role="status" data-testid="scorer-banner">
      Scoring with {data.scorer.label}
    </div>
  );
}
