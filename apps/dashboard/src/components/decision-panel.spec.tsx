import { act, fireEvent, screen } from '@testing-library/react';
import { DecisionPanel } from './decision-panel';
import { renderWithSystem } from '../testing/render';

const key = (k: string) => act(() => void fireEvent.keyDown(window, { key: k }));

describe('DecisionPanel', () => {
  it('decides from the keyboard alone, and asks for a reason rather than assuming one', () => {
    const onDecide = jest.fn();
    renderWithSystem(<DecisionPanel onDecide={onDecide} busy={false} />);
    key('r');
    // No category names a reason here: nothing is preselected, and Enter asks for one.
    expect(screen.getAllByRole('radio').some((r) => (r as HTMLInputElement).checked)).toBe(false);
    key('Enter');
    expect(onDecide).not.toHaveBeenCalled();
    expect(screen.getByText(/choose one first/)).toBeTruthy();
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

  it('preselects the removal reason that names the top category', () => {
    renderWithSystem(
      <DecisionPanel onDecide={jest.fn()} busy={false} topCategory="violence_and_threats" />,
    );
    key('r');
    expect(screen.getByRole('radio', { name: /Threat of violence/ })).toHaveProperty(
      'checked',
      true,
    );
    key('a');
    expect(screen.getAllByRole('radio').some((r) => (r as HTMLInputElement).checked)).toBe(false);
  });

  it('confirms with Ctrl-Enter from the note; Escape leaves the note and never discards at once', () => {
    const onDecide = jest.fn();
    renderWithSystem(<DecisionPanel onDecide={onDecide} busy={false} />);
    key('r');
    key('1');
    const note = screen.getByRole('textbox');
    note.focus();
    fireEvent.change(note, { target: { value: 'line one' } });
    fireEvent.keyDown(note, { key: 'Enter' }); // a newline, not a decision
    expect(onDecide).not.toHaveBeenCalled();
    fireEvent.keyDown(note, { key: 'Escape' });
    expect(document.activeElement).not.toBe(note);
    expect(screen.getByRole('radio', { name: /Spam/ })).toHaveProperty('checked', true);
    key('Escape');
    expect(screen.getByText(/Press Escape again to discard this remove and its note/)).toBeTruthy();
    note.focus();
    fireEvent.keyDown(note, { key: 'Enter', ctrlKey: true });
    expect(onDecide).toHaveBeenCalledWith({ action: 'remove', reason: 'Spam', note: 'line one' });
  });

  it('ignores shortcuts while typing, refuses disabled actions, and discards on a second Escape', () => {
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
    note.blur();
    key('Escape');
    expect(screen.queryAllByRole('radio')).not.toHaveLength(0);
    key('Escape');
    expect(screen.queryByRole('radio')).toBeNull();
    expect(onDecide).not.toHaveBeenCalled();
  });
});
