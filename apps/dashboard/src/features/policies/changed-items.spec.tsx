import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { ChangedItems } from './changed-items';

describe('ChangedItems', () => {
  it('shows each event’s text, and an erased one as erased', () => {
    const item = { source: 'forum', change: 'allow → review', categories: ['pii'], flagId: null };
    render(
      <MemoryRouter>
        <ChangedItems
          testId="changed"
          items={[
            { ...item, eventId: 'e1', text: 'mail me at jane@example.org' },
            { ...item, eventId: 'e2', text: '' },
          ]}
        />
      </MemoryRouter>,
    );
    const texts = [...screen.getByTestId('changed').querySelectorAll('.sample-text')].map(
      (t) => t.textContent,
    );
    expect(texts).toStrictEqual([
      'mail me at jane@example.org',
      "(erased at the author's request)",
    ]);
  });
});
