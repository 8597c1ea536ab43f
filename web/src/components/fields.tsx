/** Form pieces the pages share: the tones a text can take, and a labelled select. */
import { capitalize } from '../format.ts';
import type { Tone } from '../types.ts';

export const TONES: readonly Tone[] = ['neutral', 'friendly', 'professional', 'playful', 'luxury'];

interface SelectFieldProps<T extends string> {
  id: string;
  label: string;
  value: T;
  /** Values, shown capitalised, or values with their own labels. */
  options: readonly T[] | ReadonlyArray<{ id: T; label: string }>;
  onChange: (value: T) => void;
  testId: string;
}

export function SelectField<T extends string>({ id, label, value, options, onChange, testId }: SelectFieldProps<T>) {
  const items = (options as ReadonlyArray<T | { id: T; label: string }>).map((o) => (typeof o === 'string' ? { id: o, label: capitalize(o) } : o));
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value as T)} data-testid={testId}>
        {items.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
