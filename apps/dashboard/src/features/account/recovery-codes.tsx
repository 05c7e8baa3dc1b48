/**
 * Recovery codes, shown once: each signs in once in place of the app's code (a lost phone).
 * They can be saved as a text file; Sieve keeps only their hashes.
 */
export function RecoveryCodes({ codes, onSaved }: { codes: string[]; onSaved: () => void }) {
  const file = `data:text/plain;charset=utf-8,${encodeURIComponent(
    `Sieve recovery codes (each works once)\n\n${codes.join('\n')}\n`,
  )}`;
  return (
    <div className="recovery-codes" role="region" aria-label="Recovery codes">
      <p>
        <strong>Save these recovery codes now: they are not shown again.</strong> Each one signs you
        in once in place of the app’s code, if you lose your phone.
      </p>
      <ul data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <a href={file} download="sieve-recovery-codes.txt">
        Download as a text file
      </a>{' '}
      <button type="button" className="primary" onClick={onSaved}>
        I have saved them
      </button>
    </div>
  );
}
