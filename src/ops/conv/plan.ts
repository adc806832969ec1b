// The one place a convolution's algorithm is chosen: convPlan(g) gives the forward method, the backward methods,
// the column-block size, both workspaces and the kernels it calls. lower.ts lowers what the plan says, and the
// ops' `workspace` functions return the plan's bytes, so the two cannot disagree.
import type { ConvGeom } from './geom.js';
import { I2C_LANES_ON, lanesOf, winogradApplies, winogradDataGradGeom, winogradWorkspace } from './winograd.js';

/**
 * Forward method: 'winograd' F(2x2,3x3) for 3x3 stride-1 layers with many channels and tiles; 'dw' the direct SIMD
 * depthwise kernel; '1x1' one GEMM per group on the planes (stride 1, no pad: no im2col copy); 'block' im2col of
 * blocks of images then one GEMM per group; 'im2col' im2col + GEMM per image and group; 'few' the direct kernel
 * for few input channels at stride 1 or 2 (network stems: f32_convfew_2x16, no im2col, rows split across threads).
 */
export type ConvMethod = 'winograd' | 'dw' | '1x1' | 'block' | 'im2col' | 'few';

/** A convolution class for profiles (MobileNet / ResNet vocabulary). */
export type ConvClass = '3x3 s1' | '3x3 s2' | '1x1' | 'depthwise' | 'grouped' | 'stem' | 'other';

/** Everything the lowering needs to know about a geometry, decided once. */
export interface ConvPlan {
  /** Forward method (see ConvMethod). */
  method: ConvMethod;
  /** GEMM-level method of the per-image backward products (the forward's, except Winograd layers: 'im2col'). */
  gemm: 'dw' | '1x1' | 'im2col';
  /** Images per column block of the im2col products (0: per image); the forward blocks when method is 'block' (a 'few' forward never does, its backward may). */
  block: number;
  /** Largest act code the forward kernels fuse (1 relu; the GEMM paths 3: relu, sigmoid, tanh); others run as an f32_act pass. */
  fusesAct: number;
  /** Backward: dw by the Winograd weight-gradient (3x3 stride-1 Winograd layers). */
  dwWinograd: boolean;
  /** Backward: dx as a Winograd conv of dy in this geometry (Winograd layers with pad <= 2). */
  dxWinograd?: ConvGeom;
  /** Backward: dx as a forward depthwise conv of dy (depthwise 3x3 stride 1, only when dw is not wanted). */
  dxDepthwise?: ConvGeom;
  /** Lanes of an 'im2col' forward of one group (runs of whole images, a column matrix each; lower.ts), or 1. */
  lanes: number;
  /** Workspace bytes of the forward and of the backward products. */
  fwdWorkspace: number;
  bwdWorkspace: number;
  /** Kernels the forward calls (manifest names; 'gemm' stands for the selected GEMM). */
  kernels: string[];
  /** Profile class. */
  cls: ConvClass;
}

/**
 * Column-block tuning: workspace cap of a block, largest output plane that is blocked, and a test override. 1 MiB
 * (about L2): LeNet conv2 at batch 64 took 6.9 / 3.8 ms (1 / 2 threads, best of 60) at 1 MiB, 7.4 / 4.4 at 8 MiB,
 * 6.1 / 5.9 per image: on one thread large blocks spill the GEMM's B strips out of L2 (per image costs less there,
 * but 2 dispatches per image, each too small to split well, leave the second thread idle).
 */
const BLOCK = { bytes: 1 << 20, maxPlane: 1024, force: false };

/**
 * Sets the image-block workspace cap (bytes) and `force` (block even batch 1 / large planes); returns the old
 * settings. For tests: small caps give several blocks and a partial last one.
 * @example const old = setConvBlocking({ bytes: 1, force: true }); try { ... } finally { setConvBlocking(old); }
 */
export function setConvBlocking(s: { bytes?: number; force?: boolean }): { bytes: number; force: boolean } {
  const old = { bytes: BLOCK.bytes, force: BLOCK.force };
  if (s.bytes !== undefined) BLOCK.bytes = s.bytes;
  if (s.force !== undefined) BLOCK.force = s.force;
  return old;
}

/**
 * The GEMM-level method of a geometry: depthwise, 1x1 stride 1 (GEMM on the planes), or im2col.
 * @example gemmMethod({ ...g, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0 }) === '1x1'
 */
export function gemmMethod(g: ConvGeom): 'dw' | '1x1' | 'im2col' {
  if (g.G === g.C && g.F === g.C && g.G > 1) return 'dw';
  if (g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0) return '1x1';
  return 'im2col';
}

/**
 * Images per column block of an im2col layer (0: per-image lowering): blocks of Nb images make one GEMM of
 * N = Nb*Ho*Wo columns per group (small planes give small, badly split GEMMs otherwise). The column matrix and the
 * [F, Nb*Ho*Wo] product stay within about BLOCK.bytes. Nb is the largest block; `blocks` cuts the batch evenly
 * (64 at a 7-image cap: 10 blocks of 6 or 7).
 * @example convBlock({ ...lenetConv2, N: 64 }) === 7
 */
export function convBlock(g: ConvGeom): number {
  const m = gemmMethod(g);
  // 1x1 stride-1 layers multiply the planes in place (no im2col copy): blocked only when forced (tests).
  if (m === 'dw' || winogradApplies(g) || (m === '1x1' && !BLOCK.force)) return 0;
  const HoWo = g.Ho * g.Wo;
  if (!BLOCK.force && (g.N < 2 || HoWo > BLOCK.maxPlane)) return 0;
  const per = (g.C * g.kh * g.kw + g.F) * HoWo * 4;
  const cap = Math.max(1, Math.min(g.N, Math.floor(BLOCK.bytes / per)));
  if (cap < 2 && !BLOCK.force) return 0;
  return Math.ceil(g.N / Math.ceil(g.N / cap));
}

/**
 * Row stride (floats) of a block's matrices of L columns: whole 64-byte lines, an odd number of them. The GEMM's
 * packing-free path for M <= 64 walks strips of B down the rows; rows a power of two of lines apart (L = 2048)
 * share few cache sets, and the GEMM then packs instead (slower for these shapes).
 * @example blockLd(2048) === 2064
 */
export const blockLd = (L: number) => { const r = Math.ceil(L / 16) * 16; return (r / 16) % 2 === 0 ? r + 16 : r; };

/** Evenly cut image ranges [n0, n1) of at most Nb images. @example blocks(64, 7).length === 10 */
export function blocks(N: number, Nb: number): [number, number][] {
  const nB = Math.ceil(N / Nb), out: [number, number][] = [];
  for (let i = 0; i < nB; i++) out.push([Math.floor((i * N) / nB), Math.floor(((i + 1) * N) / nB)]);
  return out;
}

/** Bytes of a lane's column matrix (64-byte aligned). @example colLane(100) === 128 */
export const colLane = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** Bytes of a column block: the column matrix [C*kh*kw, ld] then the GEMM product (or dy block) [F, ld]. */
const blockBytes = (g: ConvGeom, nb: number) => (g.C * g.kh * g.kw + g.F) * blockLd(nb * g.Ho * g.Wo) * 4;

/**
 * Depthwise 3x3 stride-1 data gradient as a forward depthwise conv of dy with the filters rotated 180° and pad 2 - p
 * (the fused-row SIMD kernel: 0.47 vs 0.78 ms at 32@112² when only dx is wanted), or undefined.
 */
function dwDataGradGeom(g: ConvGeom): ConvGeom | undefined {
  if (gemmMethod(g) !== 'dw' || g.kh !== 3 || g.kw !== 3 || g.sh !== 1 || g.sw !== 1 || g.dh !== 1 || g.dw !== 1 || g.ph > 2 || g.pw > 2) return undefined;
  return { ...g, H: g.Ho, W: g.Wo, ph: 2 - g.ph, pw: 2 - g.pw, Ho: g.H, Wo: g.W };
}

/** The direct few-channel kernel on or off (off: im2col + GEMM, for A/B measurements and tests). */
const DIRECT = { on: true };

/**
 * Turns the direct few-channel kernel on or off; returns the old setting. For benches and tests.
 * @example const old = setConvDirect(false); try { ... } finally { setConvDirect(old); }
 */
export function setConvDirect(on: boolean): boolean { const old = DIRECT.on; DIRECT.on = on; return old; }

/**
 * Whether the direct few-channel kernel takes a geometry: at most 4 input channels a group (stems; grouped layers such
 * as ResNeXt's 32 groups of 4, whose rows are at least 16 wide), stride 1 or 2 on both axes, dilation 1, kernel up to
 * 11 and pad up to 4 (8 at stride 2) wide, rows up to ~5000 wide. At stride 1 with one group only where the planes are
 * large (batches of small planes keep their blocked im2col GEMMs, LeNet's). A grouped layer's 4-channel groups on
 * 28² planes: 0.29 ms against 0.47 ms for im2col + 32 GEMMs of 4 rows (one thread, the same bits).
 * @example directFew({ ...g, C: 3, G: 1, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pw: 1 }) === true
 */
export function directFew(g: ConvGeom): boolean {
  const s = g.sh, Cg = g.C / g.G;
  return DIRECT.on && Cg <= 4 && (g.G === 1 || g.Wo >= 16) && (s === 1 || s === 2) && g.sw === s && g.dh === 1 && g.dw === 1 &&
    g.kh * g.kw > 1 && g.kh <= 11 && g.kw <= 11 && g.pw <= 4 * s && (s === 2 || g.G > 1 || g.Ho * g.Wo > BLOCK.maxPlane) &&
    // Its row copies (2 per input row read, W + Wo + kw + 28 floats each) fit 1 MiB of the thread's 4 MiB scratch.
    8 * Cg * g.kh * (g.W + g.Wo + g.kw + 28) <= 1 << 20;
}

/** The profile class of a geometry. @example convClass(mobilenetStem) === 'stem' */
export function convClass(g: ConvGeom): ConvClass {
  if (gemmMethod(g) === 'dw') return 'depthwise';
  if (g.G > 1) return 'grouped';
  if (g.C <= 4 && g.kh * g.kw > 1) return 'stem';
  if (g.kh === 1 && g.kw === 1) return '1x1';
  if (g.kh === 3 && g.kw === 3) return g.sh === 1 && g.sw === 1 ? '3x3 s1' : '3x3 s2';
  return 'other';
}

/**
 * The plan of a convolution geometry: method, workspaces and kernels (read by the lowering and the ops' workspace).
 * @example convPlan(convGeom({ kernel: [3, 3], pad: [1, 1], num_filter: 64 }, [1, 64, 56, 56], 'c')).method === 'winograd'
 */
export function convPlan(g: ConvGeom): ConvPlan {
  const gm = gemmMethod(g), wino = winogradApplies(g), fwdWino = winogradApplies(g, true), block = convBlock(g);
  const method: ConvMethod = fwdWino ? 'winograd' : gm === 'dw' ? 'dw' : directFew(g) && !BLOCK.force ? 'few' : block ? 'block' : gm;
  const col = block ? blockBytes(g, block) : gm === 'im2col' ? g.C * g.kh * g.kw * g.Ho * g.Wo * 4 : 0;
  const lanes = method === 'im2col' && g.G === 1 ? lanesOf(g.N, I2C_LANES_ON) : 1;
  const winoWs = fwdWino || wino ? winogradWorkspace(g) : 0;
  const dxWinograd = winogradDataGradGeom(g), dxDepthwise = dwDataGradGeom(g);
  const bwdWorkspace = dxDepthwise ? g.C * 9 * 4 : Math.max(col, winoWs, dxWinograd ? winogradWorkspace(dxWinograd) : 0);
  const KERNELS: Record<ConvMethod, string[]> = {
    winograd: ['f32_wino_w_f2k3__simd128', 'f32_wino_in_f2k3__simd128', 'gemm', 'f32_wino_out_f2k3__simd128'],
    dw: ['f32_dwconv__simd128'],
    '1x1': ['gemm'],
    block: ['f32_im2col__simd128', 'gemm', 'f32_copyrows__simd128'],
    im2col: ['f32_im2col__simd128', 'gemm'],
    few: ['f32_convfew_2x16__simd128'],
  };
  return {
    method, gemm: gm, block, fusesAct: method === 'winograd' || method === 'dw' || method === 'few' ? 1 : 3,
    dwWinograd: wino, dxWinograd, dxDepthwise, lanes,
    fwdWorkspace: method === 'winograd' ? winoWs : method === 'few' ? 0 : lanes > 1 ? lanes * colLane(col) : col, bwdWorkspace,
    kernels: KERNELS[method], cls: convClass(g),
  };
}
