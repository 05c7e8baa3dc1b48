import { contentFilterFor } from './content-filter';

const sensitive = (c: string) => ['selfharm', 'violence_and_threats'].includes(c);

describe('contentFilterFor', () => {
  it('takes the strongest filter among the categories; unset ones follow the blur switch', () => {
    const prefs = { blurSensitive: true, contentFilters: { pii: 'greyscale' as const } };
    expect(contentFilterFor(['pii'], prefs, sensitive)).toBe('greyscale');
    expect(contentFilterFor(['pii', 'selfharm'], prefs, sensitive)).toBe('blur');
    expect(contentFilterFor(['law'], prefs, sensitive)).toBe('show');
    expect(
      contentFilterFor(
        ['selfharm', 'pii'],
        { ...prefs, contentFilters: { selfharm: 'warn' } },
        sensitive,
      ),
    ).toBe('warn');
  });

  it('shows sensitive posts when the switch is off, unless a category says otherwise', () => {
    const prefs = {
      blurSensitive: false,
      contentFilters: { violence_and_threats: 'blur' as const },
    };
    expect(contentFilterFor(['selfharm'], prefs, sensitive)).toBe('show');
    expect(contentFilterFor(['violence_and_threats'], prefs, sensitive)).toBe('blur');
    // An explicit "show" wins over the switch.
    expect(
      contentFilterFor(
        ['selfharm'],
        { blurSensitive: true, contentFilters: { selfharm: 'show' } },
        sensitive,
      ),
    ).toBe('show');
  });
});
