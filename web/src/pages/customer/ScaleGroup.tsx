/**
 * One answer chosen from a scale (1-7 agreement, 1-5 stars, 0-10, the five
 * Kano answers) as a group of radio buttons: a fieldset whose legend is the
 * question, each choice a large labelled target (44 px at least, for a
 * thumb), the ends of a numeric scale named under it and read out with the
 * first and last choice.
 */
import type { ReactNode } from 'react';

export interface ScaleChoice<V extends string | number> {
  value: V;
  /** What the choice shows (the number, a star and number, or a word). */
  label: ReactNode;
  /** Said after the label to screen readers (e.g. the end's meaning). */
  srText?: string;
}

export function ScaleGroup<V extends string | number>({
  name,
  legend,
  hint,
  choices,
  value,
  onChange,
  ends,
  layout = 'row',
  disabled,
  invalid,
  errorId,
  error,
  testId,
}: {
  /** Unique in the page: the radio group's name and the prefix of its ids. */
  name: string;
  legend: ReactNode;
  hint?: ReactNode;
  choices: ScaleChoice<V>[];
  value: V | undefined;
  onChange(value: V): void;
  /** The meaning of the lowest and highest choice, shown under the scale. */
  ends?: [string, string];
  /** `row`: numbers side by side (wrapping on a narrow screen); `column`: one word answer per line. */
  layout?: 'row' | 'column';
  disabled?: boolean;
  invalid?: boolean;
  errorId?: string;
  error?: ReactNode;
  testId?: string;
}) {
  const hintId = hint ? `${name}-hint` : undefined;
  const described = [hintId, invalid ? errorId : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className={`customer-scale customer-scale-${layout}`} aria-describedby={described} data-testid={testId} disabled={disabled}>
      <legend>{legend}</legend>
      {hint && (
        <p className="customer-hint" id={hintId}>
          {hint}
        </p>
      )}
      <div className="customer-scale-choices">
        {choices.map((c) => {
          const id = `${name}-${c.value}`;
          return (
            <label key={String(c.value)} htmlFor={id} className="customer-choice" data-testid={testId ? `${testId}-${c.value}` : undefined}>
              <input type="radio" id={id} name={name} value={String(c.value)} checked={value === c.value} onChange={() => onChange(c.value)} />
              <span className="customer-choice-label">{c.label}</span>
              {c.srText && <span className="visually-hidden"> {c.srText}</span>}
            </label>
          );
        })}
      </div>
      {ends && (
        <div className="customer-scale-ends" aria-hidden="true">
          <span>{ends[0]}</span>
          <span>{ends[1]}</span>
        </div>
      )}
      {error}
    </fieldset>
  );
}

/** Numbers from..to as choices, the ends' meanings read with the first and last. */
export function numberChoices(from: number, to: number, ends?: [string, string]): ScaleChoice<number>[] {
  const out: ScaleChoice<number>[] = [];
  for (let n = from; n <= to; n++) out.push({ value: n, label: n, srText: n === from ? ends?.[0] : n === to ? ends?.[1] : undefined });
  return out;
}
