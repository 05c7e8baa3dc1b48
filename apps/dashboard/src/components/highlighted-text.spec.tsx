import { HighlightedText } from './highlighted-text';
import { renderWithSystem } from '../testing/render';

describe('HighlightedText', () => {
  it('marks the matched spans, merging overlaps, and keeps every piece as text', () => {
    const text = '<b>I will kill you</b> at noon';
    const { container } = renderWithSystem(
      <blockquote>
        <HighlightedText
          text={text}
          highlights={[
            { start: 3, end: 14, category: 'violence_and_threats' },
            { start: 10, end: 18, category: 'violence_and_threats' },
          ]}
        />
      </blockquote>,
    );
    const quote = container.querySelector('blockquote');
    expect(quote?.textContent).toBe(text);
    expect([...container.querySelectorAll('mark')].map((m) => m.textContent)).toStrictEqual([
      'I will kill you',
    ]);
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelector('mark')?.getAttribute('title')).toBe('Violence & threats');
  });
});
