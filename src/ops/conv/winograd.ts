// Winograd F(2x2, 3x3) forward for 3x3 stride-1 convolutions with many channels (not enabled yet).
import type { LowerCtx, Step } from '../registry.js';
import type { ConvGeom } from './geom.js';

/** True when the Winograd path is used for this geometry. @example winogradApplies(geom) === false */
export function winogradApplies(_g: ConvGeom): boolean { return false; }

/** Lowers y = act(conv(x, w) + b) with Winograd F(2x2,3x3). @example lowerWinogradFwd(ctx, g, x, w, b, y, 0) */
export function lowerWinogradFwd(_ctx: LowerCtx, _g: ConvGeom, _x: number, _w: number, _b: number, _y: number, _act: number): Step {
  throw new Error('winograd: not available');
}
