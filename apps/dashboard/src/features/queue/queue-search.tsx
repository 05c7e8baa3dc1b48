import type { FlagFilters } from '../../api/flags';
import type { FilterName } from './use-queue-filters';

const SEARCH_FIELDS = ['q', 'source', 'authorId', 'lang'] as const;

/** Free-text filters, applied together on submit; the fields follow the address (saved views, Back). */
export function QueueSearch({
  filters,
  setFilters,
}: {
  filters: FlagFilters;
  setFilters: (values: Partial<Record<FilterName, string>>) => void;
}) {
  return (
    <form
      className="search-bar"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        setFilters(
          Object.fromEntries(SEARCH_FIELDS.map((key) => [key, String(data.get(key) ?? '').trim()])),
        );
      }}
    >
      <input
        name="q"
        aria-label="Search posts"
        placeholder="Search post text"
        defaultValue={filters.q}
        key={`q-${filters.q ?? ''}`}
      />
      <input
        name="source"
        aria-label="Source"
        placeholder="Source"
        defaultValue={filters.source}
        key={`source-${filters.source ?? ''}`}
      />
      <input
        name="authorId"
        aria-label="Author"
        placeholder="Author id"
        defaultValue={filters.authorId}
        key={`author-${filters.authorId ?? ''}`}
      />
      <input
        name="lang"
        aria-label="Language"
        placeholder="Language"
        defaultValue={filters.lang}
        key={`lang-${filters.lang ?? ''}`}
        size={8}
      />
      <button type="submit">Filter</button>
    </form>
  );
}
