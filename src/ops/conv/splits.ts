// How the thread pool cuts the conv family's plane-parallel kernels (merged into src/parallel/splits.ts SPLITS):
// every kernel here works plane by plane (channels or N*C planes), so a call is cut into channel ranges with the
// pointers advanced; each plane is computed exactly as on one thread (results are bitwise identical).
// Same shape as src/parallel/splits.ts `Split` (declared structurally: ops never import the parallel layer).
// Arguments are read by name through CONV_ARG (src/runtime/manifest/conv.ts, the family's typed definition).
import { CONV_ARG, type CONV_GEOM } from '../../runtime/manifest/conv.js';
import { cut } from '../../runtime/manifest/split.js';

interface PlaneSplit {
  work: (a: number[]) => number;
  min: number;
  parts?: (a: number[], T: number) => number;
  split: (a: number[], P: number, T?: number) => number[][];
  scratchArg?: number;
}

/** Parts a thread of a depthwise conv call (see CONV_SPLITS). */
const DW_PARTS = Math.max(1, Number((typeof process !== 'undefined' ? process.env?.MXWASM_DW_PARTS : undefined) ?? 2) || 2);

/** Least work (inner-loop element operations) worth waking the workers for. */
const MIN_WORK = 1 << 17;

/** [start, end) ranges of n for P parts on T threads: as equal as can be, a multiple of T in count where n allows. */
const ranges = (n: number, P: number, T = 1): [number, number][] => cut(n, P, 1, 1, T);

/**
 * A split over the plane count at argument `countArg`; `ptrs` lists [argument index, bytes per plane] of the
 * pointers to advance (a pointer that is 0, "absent", stays 0).
 */
function planes(countArg: number, work: (a: number[]) => number, ptrs: (a: number[]) => [number, number][]): PlaneSplit {
  return {
    work, min: MIN_WORK,
    split: (a, P, T) => ranges(a[countArg], P, T).map(([p0, p1]) => {
      const p = a.slice();
      for (const [i, bytes] of ptrs(a)) if (a[i] !== 0) p[i] = a[i] + p0 * bytes;
      p[countArg] = p1 - p0;
      return p;
    }),
  };
}

const { f32_im2col__simd128: I2C, f32_col2im__simd128: C2I, f32_copyrows__simd128: CR, f32_dwconv__simd128: DW,
  f32_dwconv_bwd__simd128: DWB, f32_bn_act__simd128: BN, f32_pool2d__simd128: PL, f32_pool2d_bwd__simd128: PLB,
  f32_wino_in_f2k3__simd128: WI, f32_wino_w_f2k3__simd128: WW, f32_wino_out_f2k3__simd128: WO, f32_wino_dy_f2k3__simd128: WD, f32_global_pool__simd128: GP, f32_convfew_2x16__simd128: CS,
  f32_wino_lane_f2k3__simd128: WL, f32_i2c_lane__simd128: IL } = CONV_ARG;

/** Sizes of a call with the conv geometry (C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo) at the positions of `g`. */
type Geom = { readonly [N in typeof CONV_GEOM[number]]: number };
const conv = (g: Geom) => ({
  work: (a: number[]) => a[g.C] * a[g.kh] * a[g.kw] * a[g.Ho] * a[g.Wo],
  plane: (a: number[]) => a[g.H] * a[g.W] * 4, out: (a: number[]) => a[g.Ho] * a[g.Wo] * 4, k: (a: number[]) => a[g.kh] * a[g.kw] * 4,
});
const cI = conv(I2C), cD = conv(DW), cB = conv(DWB);

/**
 * im2col / col2im over a block of images (x, col, C, ...geometry, ld, nimg, xs) (`col` first for col2im): cut by
 * images (x by xs, col by Ho*Wo columns) or by channels (x by a plane, col by kh*kw rows of ld), whichever balances
 * better (images on a tie). Each image and channel is unrolled / folded exactly as on one thread.
 */
function colSplit(xArg: number, colArg: number): PlaneSplit {
  const bal = (n: number, T: number) => n / (Math.ceil(n / T) * T);
  const A = I2C; // col2im has the same positions but x and col swapped (xArg, colArg)
  return {
    // Copy-speed work (~0.6 ns a float): 32K floats per thread (~20 µs) already outweigh a dispatch; LeNet's
    // blocks of 7-10 images (150-220K floats) then split, which MIN_WORK per thread would not allow.
    work: (a) => cI.work(a) * Math.max(a[A.nimg], 1), min: 1 << 15,
    split: (a, P, T) => {
      const nimg = Math.max(a[A.nimg], 1), ld = a[A.ld] > 0 ? a[A.ld] : a[A.Ho] * a[A.Wo];
      const byImg = nimg > 1 && bal(nimg, T ?? P) >= bal(a[A.C], T ?? P);
      return ranges(byImg ? nimg : a[A.C], P, T).map(([s, e]) => {
        const p = a.slice();
        if (byImg) { p[xArg] += s * a[A.xs] * 4; p[colArg] += s * a[A.Ho] * a[A.Wo] * 4; p[A.ld] = ld; p[A.nimg] = e - s; }
        else { p[xArg] += s * cI.plane(a); p[colArg] += s * a[A.kh] * a[A.kw] * ld * 4; p[A.C] = e - s; }
        return p;
      });
    },
  };
}
/** Pool work: planes x output size x window. */
const poolWork = (q: typeof PL | typeof PLB) => (a: number[]) => a[q.P] * a[q.Ho] * a[q.Wo] * a[q.kh] * a[q.kw];

/** A split over channels (or filters) of a Winograd transform; the input transform's P is the running thread's scratch. */
function wino(countArg: number, ptrs: (a: number[]) => [number, number][], tiles: (a: number[]) => number, scratchArg?: number): PlaneSplit {
  const base = planes(countArg, (a) => a[countArg] * tiles(a) * 64, ptrs);
  return scratchArg !== undefined ? { ...base, scratchArg } : base;
}
// T = nty * tW4 tiles per channel.
const inTiles = (a: number[]) => a[WI.nty] * a[WI.tW4], outTiles = (a: number[]) => a[WO.nty] * a[WO.tW4], dyTiles = (a: number[]) => a[WD.nty] * a[WD.tW4];

/**
 * The direct few-channel conv by output rows (oy0 advanced, noy cut); each part runs in its own thread's scratch P. Work:
 * multiply-adds (F x Wo x C*kh*kw a row).
 */
const rowSplit: PlaneSplit = {
  work: (a) => a[CS.noy] * a[CS.F] * a[CS.Wo] * a[CS.C] * a[CS.kh] * a[CS.kw], min: MIN_WORK,
  split: (a, P, T) => ranges(a[CS.noy], P, T).map(([s, e]) => { const p = a.slice(); p[CS.oy0] = a[CS.oy0] + s; p[CS.noy] = e - s; return p; }),
  scratchArg: CS.P,
};

/**
 * A Winograd lane (src/ops/conv/winograd.ts) is a part of its own: never cut (each lane has one workspace); a layer's
 * lanes are the parts of one job. Work: the 16 products' multiply-adds (F x C x 16 a tile).
 */
const laneSplit: PlaneSplit = {
  work: (a) => (a[WL.g1] - a[WL.g0]) * a[WL.tW4] * a[WL.F] * a[WL.C] * 16, min: MIN_WORK, split: (a) => [a], scratchArg: WL.scratch,
};

/** An im2col lane (src/ops/conv/lower.ts) likewise: its images, each an im2col and a GEMM (F x Ho Wo x C kh kw). */
const i2cLaneSplit: PlaneSplit = {
  work: (a) => a[IL.nimg] * a[IL.F] * a[IL.Ho] * a[IL.Wo] * a[IL.C] * a[IL.kh] * a[IL.kw], min: MIN_WORK, split: (a) => [a], scratchArg: IL.scratch,
};

/** Split rules of the conv family's kernels, by kernel name. @example CONV_SPLITS.f32_pool2d__simd128.split(args, 2) */
export const CONV_SPLITS: Record<string, PlaneSplit> = {
  f32_im2col__simd128: colSplit(I2C.x, I2C.col),
  f32_col2im__simd128: colSplit(C2I.x, C2I.col),
  // Cut by rows R; copy-speed work like im2col (LeNet conv1: 115K floats a block).
  f32_copyrows__simd128: { ...planes(CR.R, (a) => a[CR.R] * a[CR.Nb] * a[CR.P], (a) => [[CR.src, a[CR.sr] * 4], [CR.dst, a[CR.dr] * 4]]), min: 1 << 15 },
  // Two parts a thread, not four (MXWASM_DW_PARTS=4: as before), measured at 2 threads (RT, interleaved): 576@14² 0.132-0.138
  // ms against 0.176-0.188 (one a thread: 0.115-0.121, 8 a thread: 0.149), 144@56² and 960@7² 7-11% faster with one a
  // thread; MobileNetV2 b1 4% and v1 1% faster with two a thread at load ~2 (1.00x in 101 rounds at load ~14), one a
  // thread no faster than two (two keep some balance when a worker is descheduled holding a part). Why four cost so much
  // is not understood (the kernel has no per-call setup).
  f32_dwconv__simd128: { ...planes(DW.C, cD.work, (a) => [[DW.x, cD.plane(a)], [DW.w, cD.k(a)], [DW.b, 4], [DW.y, cD.out(a)]]), parts: (_a, T) => T * DW_PARTS },
  f32_convfew_2x16__simd128: rowSplit,
  f32_convfew_2x16__relaxedsimd: rowSplit,
  f32_wino_lane_f2k3__simd128: laneSplit,
  f32_wino_lane_f2k3__relaxedsimd: laneSplit,
  f32_i2c_lane__simd128: i2cLaneSplit,
  f32_i2c_lane__relaxedsimd: i2cLaneSplit,
  f32_dwconv_bwd__simd128: planes(DWB.C, cB.work, (a) => [[DWB.x, cB.plane(a)], [DWB.w, cB.k(a)], [DWB.dy, cB.out(a)], [DWB.dx, cB.plane(a)], [DWB.dwt, cB.k(a)]]),
  // Cut by channels; an elementwise pass.
  f32_bn_act__simd128: planes(BN.C, (a) => a[BN.C] * a[BN.inner], (a) => [[BN.y, a[BN.inner] * 4], [BN.g, 4], [BN.b, 4], [BN.mean, 4], [BN.vr, 4]]),
  f32_pool2d__simd128: planes(PL.P, poolWork(PL), (a) => [[PL.x, a[PL.H] * a[PL.W] * 4], [PL.y, a[PL.Ho] * a[PL.Wo] * 4]]),
  f32_pool2d_bwd__simd128: planes(PLB.P, poolWork(PLB), (a) => [[PLB.x, a[PLB.H] * a[PLB.W] * 4], [PLB.y, a[PLB.Ho] * a[PLB.Wo] * 4],
    [PLB.dy, a[PLB.Ho] * a[PLB.Wo] * 4], [PLB.dx, a[PLB.H] * a[PLB.W] * 4]]),
  // The weight transform by filters (U's rows f C + c; w's by C x 9 floats, or by 9 with flip); copy-speed work,
  // 16 floats written a (filter, channel): ResNet-18's 256- and 512-filter layers (0.2-1 ms each on one thread) split.
  // Split from 32K (like the copies): a 64x64 layer's (0.04 ms) no longer runs on the caller alone before the lanes
  // (MXWASM_WINO_W_SPLIT=0: from MIN_WORK, as before).
  f32_wino_w_f2k3__simd128: { ...planes(WW.F, (a) => a[WW.F] * a[WW.C] * 16, (a) => [[WW.U, a[WW.C] * 4], [WW.w, a[WW.flip] ? 36 : a[WW.C] * 36]]),
    min: (typeof process !== 'undefined' ? process.env?.MXWASM_WINO_W_SPLIT : undefined) === '0' ? MIN_WORK : 1 << 15 },
  f32_wino_in_f2k3__simd128: wino(WI.C, (a) => [[WI.x, a[WI.H] * a[WI.W] * 4], [WI.V, inTiles(a) * 4]], inTiles, WI.P),
  f32_wino_out_f2k3__simd128: wino(WO.F, (a) => [[WO.M, outTiles(a) * 4], [WO.y, a[WO.Ho] * a[WO.Wo] * 4], [WO.b, 4]], outTiles),
  f32_wino_dy_f2k3__simd128: wino(WD.F, (a) => [[WD.dy, a[WD.Ho] * a[WD.Wo] * 4], [WD.M, dyTiles(a) * 4]], dyTiles),
  f32_global_pool__simd128: planes(GP.P, (a) => a[GP.P] * a[GP.n], (a) => [[GP.x, a[GP.n] * 4], [GP.y, 4]]),
};
