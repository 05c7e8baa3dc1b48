/** A row of tabs choosing what a page lists (one selected at a time). */
export function TabList<T extends string>({
  label,
  tabs,
  selected,
  onSelect,
}: {
  /** What the tabs choose between, for assistive technology. */
  label: string;
  tabs: readonly { value: T; label: string }[];
  selected: T;
  onSelect: (value: T) => void;
}) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t) => (
        <button
          key={t.value}
          role="tab"
          aria-selected={selected === t.value}
          className={selected === t.value ? 'tab active' : 'tab'}
          onClick={() => onSelect(t.value)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
