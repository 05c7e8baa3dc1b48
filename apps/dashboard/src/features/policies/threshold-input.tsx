/** A threshold from 0 to 1 in steps of 0.01: a slider and a number field, kept together. */
export function ThresholdInput({
  label,
  value,
  disabled,
  onChange,
}: {
  label: string;
  value: number;
  disabled: boolean;
  onChange: (value: number) => void;
}) {
  const set = (raw: string) => {
    const n = Math.round(Number(raw) * 100) / 100;
    if (Number.isFinite(n) && n >= 0 && n <= 1) onChange(n);
  };
  return (
    <span className="threshold">
      <input
        type="range"
        min={0}
        max={1}
        step={0.01}
        value={value}
        disabled={disabled}
        aria-label={label}
        onChange={(e) => set(e.target.value)}
      />
      <input
        type="number"
        min={0}
        max={1}
        step={0.01}
        value={value}
        disabled={disabled}
        aria-label={`${label} (number)`}
        onChange={(e) => set(e.target.value)}
      />
    </span>
  );
}
