import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { changePassword } from '../api/auth';

/** The signed-in user's own password: the current one, then the new one. */
export function ChangePasswordForm({
  heading,
  currentLabel = 'Current password',
  submitLabel = 'Change password',
  onChanged,
}: {
  heading: string;
  currentLabel?: string;
  submitLabel?: string;
  onChanged?: () => void;
}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: () => changePassword(current, next),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      onChanged?.();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate();
  };
  return (
    <form onSubmit={submit} className="stack-form" aria-label={heading}>
      <h2>{heading}</h2>
      <label>
        {currentLabel}
        <input
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          required
        />
      </label>
      <label>
        New password (12 characters or more)
        <input
          type="password"
          autoComplete="new-password"
          minLength={12}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          required
        />
      </label>
      {change.isError && (
        <p className="error" role="alert">
          {change.error.message}
        </p>
      )}
      {change.isSuccess && (
        <p role="status">Password changed. Your other sessions were signed out.</p>
      )}
      <button type="submit" className="primary" disabled={change.isPending}>
        {submitLabel}
      </button>
    </form>
  );
}
