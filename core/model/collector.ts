import type { PacketRecord } from '../tshark/record.js';
import type { ValueNames } from '../tshark/value-names.js';
import type { Warning } from '../schema/generated/report.js';

export interface FinishContext {
  /** Epoch seconds of the capture's first packet: report times are relative to it. */
  readonly start: number;
  /** Names of coded values, from tshark's own tables. */
  readonly names: ValueNames;
  readonly warn: (warning: Warning) => void;
}

/**
 * One analysis of the packet stream. It names the tshark fields it reads (the runner asks tshark for the
 * union of them) and those whose value names it wants, sees every packet once, in order, and yields its
 * part of the model at the end.
 */
export interface Collector<Result> {
  readonly fields: readonly string[];
  readonly namedFields?: readonly string[];
  /**
   * The packets it reads: those whose protocol stack names one of these protocols; without it, every packet. Only
   * spares the call: the collector ignores any other packet anyway.
   */
  readonly protocols?: readonly string[];
  add(packet: PacketRecord): void;
  finish(context: FinishContext): Result;
}

/** A code with the name tshark gives it, when it has one. */
export function namedCode(names: ValueNames, field: string, code: number): { code: number; name?: string } {
  const name = names(field, code);
  return name === undefined ? { code } : { code, name };
}

/** Report times: seconds since the first packet, to the microsecond. */
export function relativeTime(time: number, start: number): number {
  return Math.round((time - start) * 1e6) / 1e6;
}

/**
 * The value without the keys whose value is undefined: the report schema allows a field to be absent, not
 * undefined. A copy built key by key, not `delete`: V8 turns an object it deletes keys from into a slow
 * dictionary several times its size, and the model keeps tens of thousands of them in a long capture.
 */
export function withoutUndefined<T extends object>(value: T): T {
  const keys = Object.keys(value) as (keyof T)[];
  if (keys.every((key) => value[key] !== undefined)) return value;
  const copy = {} as T;
  for (const key of keys) if (value[key] !== undefined) copy[key] = value[key];
  return copy;
}
