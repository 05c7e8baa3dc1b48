import { fireEvent, screen } from '@testing-library/react';
import { renderWithSystem } from '../../testing/render';
import { PublishDialog } from './publish-dialog';

const changes = [{ category: 'pii', field: 'reviewThreshold' as const, before: 0.5, after: 0.3 }];

describe('PublishDialog', () => {
  const open = (flagged: [number, number]) =>
    renderWithSystem(
      <PublishDialog
        version={4}
        range="7d"
        impact={{ flagged, auto: [0, 0] }}
        changes={changes}
        busy={false}
        onPublish={jest.fn()}
        onCancel={jest.fn()}
      />,
    );

  it('shows the diff, and asks a second time when flag volume changes beyond the limit', () => {
    open([100, 284]);
    expect(screen.getByTestId('policy-diff').textContent).toContain(
      'Personal datareview at0.500.30',
    );
    fireEvent.change(screen.getByLabelText('Change note (required)'), {
      target: { value: 'catch more leaks' },
    });
    const publish = screen.getByRole('button', { name: /Publish version 4/ });
    expect(publish).toHaveProperty('disabled', true);
    expect(screen.getByTestId('confirm-large').textContent).toContain('+184%');
    fireEvent.click(screen.getByRole('checkbox'));
    expect(publish).toHaveProperty('disabled', false);
  });

  it('needs only the note for a change within the limit', () => {
    open([100, 120]);
    fireEvent.change(screen.getByLabelText('Change note (required)'), {
      target: { value: 'a little more' },
    });
    expect(screen.queryByTestId('confirm-large')).toBeNull();
    expect(screen.getByRole('button', { name: /Publish version 4/ })).toHaveProperty(
      'disabled',
      false,
    );
  });
});
