import { act, fireEvent, screen } from '@testing-library/react';
import { DecisionPanel } from './decision-panel';
import { renderWithSystem } from '../testing/render';

const key = (k: string) => act(() => void fireEvent.keyDown(window, { key: k }));

describe('DecisionPanel', () => {
  it('decides from the keyboard alone: action, reason by number, note, Enter', () => {
    const onDecide = jest.fn();
    renderWithSystem(<DecisionPanel onDecide={onDecide} busy={false} />);
    key('r');
    expect(screen.getByRole('radio', { name: /Spam/ })).toHaveProperty('checked', true);
    key('2');
    expect(screen.getByRole('radio', { name: /Threat of violence/ })).toHaveProperty(
      'checked',
      true,
    );
    fireEvent.change(screen.getByRole('textbox'), { target: { value: '  names a person  ' } });
    key('Enter');
    expect(onDecide).toHaveBeenCalledWith({
      action: 'remove',
      reason: 'Threat of violence',
      note: 'names a person',
    });
  });

  it('ignores shortcuts while typing, and refuses disabled actions', () => {
    const onDecide = jest.fn();
    renderWithSystem(
      <DecisionPanel onDecide={onDecide} busy={false} disabledActions={['escalate']} />,
    );
    key('e');
    expect(screen.queryByRole('radio')).toBeNull();
    key('a');
    const note = screen.getByRole('textbox');
    fireEvent.keyDown(note, { key: 'r' });
    expect(screen.getByRole('button', { name: /Approve/ }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    key('Escape');
    expect(screen.queryByRole('radio')).toBeNull();
    expect(onDecide).not.toHaveBeenCalled();
  });
});
