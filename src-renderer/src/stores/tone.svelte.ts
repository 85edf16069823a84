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

/** Everything the tone panel edits, as plain data: what the undo history keeps. */
export interface ToneState {
  operator: ToneOperatorName;
  controls: Record<ControlName, number>;
  options: Record<string, number | string>;
  output: OutputSpace;
}

export class ToneStore {
  /** Told after every user change: what changed (a key for coalescing) and a label for the undo button. */
  onchange: ((key: string, label: string) => void) | null = null;

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
    this.onchange?.('operator', 'tone operator');
  }

  /** Sets an operator option (already checked against its range by the caller). */
  setOption(name: string, value: number | string): void {
    this.options[name] = value;
    this.onchange?.(`option:${name}`, name);
  }

  setOutput(output: OutputSpace): void {
    this.output = output;
    this.onchange?.('output', 'colour space');
  }

  snapshot(): ToneState {
    return { operator: this.operator, controls: $state.snapshot(this.controls), options: $state.snapshot(this.options), output: this.output };
  }

  /** Puts a snapshot back (undo/redo); tells no one. */
  restore(state: ToneState): void {
    this.operator = state.operator;
    this.controls = { ...state.controls };
    this.options = { ...state.options };
    this.output = state.output;
  }

  /** Sets a control, clamped to its range; non-numbers are ignored (a half-typed entry). */
  set(control: ControlName, value: number): void {
    const r = CONTROL_RANGES[control];
    if (!Number.isFinite(value)) return;
    this.controls[control] = Math.min(r.max, Math.max(r.min, value));
    this.onchange?.(`control:${control}`, r.label.toLowerCase());
  }

  reset(control: ControlName): void {
    this.controls[control] = CONTROL_RANGES[control].default;
    this.onchange?.(`reset:${control}`, `reset ${CONTROL_RANGES[control].label.toLowerCase()}`);
  }

  resetAll(): void {
    this.controls = neutralControls();
    this.options = defaultOptions(this.operator) as unknown as Record<string, number | string>;
    this.onchange?.('reset-all', 'reset all');
  }
}
