/** The live tone settings: operator, its options and the controls, as runes; the preview and the export read `settings`. */
import type { OutputSpace } from '../../../src-shared/tonemap/output-space';
import {
  CONTROL_RANGES,
  defaultOptions,
  type ToneControls,
  type ToneOperatorName,
  type ToneSettings,
} from '../../../src-shared/tonemap/tone-settings';
import { DEFAULT_RADIANCE_TONE } from '../../../src-shared/pipeline/render-display';

export type ControlName = keyof ToneControls;
export const CONTROL_NAMES = Object.keys(CONTROL_RANGES) as ControlName[];

function neutralControls(): Record<ControlName, number> {
  return Object.fromEntries(CONTROL_NAMES.map((c) => [c, CONTROL_RANGES[c].default])) as Record<ControlName, number>;
}

export class ToneStore {
  operator = $state<ToneOperatorName>(DEFAULT_RADIANCE_TONE.operator);
  controls = $state<Record<ControlName, number>>(neutralControls());
  options = $state<Record<string, number | string>>(defaultOptions(DEFAULT_RADIANCE_TONE.operator) as unknown as Record<string, number | string>);
  output = $state<OutputSpace>('srgb');

  /** A plain snapshot (no proxies): safe to send over IPC and to hand to the engine. */
  settings = $derived<ToneSettings>({
    ...$state.snapshot(this.controls),
    operator: this.operator,
    options: $state.snapshot(this.options),
  } as ToneSettings);

  setOperator(op: ToneOperatorName): void {
    this.operator = op;
    this.options = defaultOptions(op) as unknown as Record<string, number | string>;
  }

  /** Sets a control, clamped to its range; non-numbers are ignored (a half-typed entry). */
  set(control: ControlName, value: number): void {
    const r = CONTROL_RANGES[control];
    if (!Number.isFinite(value)) return;
    this.controls[control] = Math.min(r.max, Math.max(r.min, value));
  }

  reset(control: ControlName): void {
    this.controls[control] = CONTROL_RANGES[control].default;
  }

  resetAll(): void {
    this.controls = neutralControls();
    this.options = defaultOptions(this.operator) as unknown as Record<string, number | string>;
  }
}
