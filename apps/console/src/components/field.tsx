import type { ReactNode } from 'react';
import { FieldMessages } from './field-messages';

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

/**
 * One form field: its label, the control (`children` renders it with the props that tie it to the label, its help
 * and its errors), a help line, and the server's validation messages for it (`<id>-error`).
 */
export function Field(props: {
  id: string;
  label: string;
  help?: ReactNode;
  errors?: string[];
  /** Further elements that describe the control (e.g. a live recognition line), by id. */
  describedBy?: string[];
  children: (control: ControlProps) => ReactNode;
}) {
  const { id, label, help, errors, describedBy = [], children } = props;
  const described = [...(help ? [`${id}-help`] : []), ...describedBy, ...(errors?.length ? [`${id}-error`] : [])];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(described.length ? { 'aria-describedby': described.join(' ') } : {}),
        ...(errors?.length ? { 'aria-invalid': true } : {}),
      })}
      {help && (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      )}
      <FieldMessages id={`${id}-error`} messages={errors} />
    </div>
  );
}
