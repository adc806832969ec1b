// ONNX TopK, DepthToSpace (DCR, CRD), SpaceToDepth, GatherND, GatherElements and Einsum vs onnxruntime-web at
// the opsets where they change; unsupported forms refused with the node named.
import { test } from 'uvu';
import { agree, rnd, unit, fileSeed } from './oracle.js';
import { encodeModel } from '../../src/onnx/encode.js';
import { expectMx, mx } from '../helpers.js';

fileSeed(test, 'ops-index');

const I64 = 7;

test('TopK: K as attribute (1) and input (10, 11), axis, largest 0, ties keep the lower index', async () => {
  await unit({ op: 'TopK', opset: 9, ins: [['x', [3, 7]]], attrs: { k: 3 }, outs: 2 }, 'topk 9 (attribute k)');
  await unit({ op: 'TopK', opset: 10, ins: [['x', [2, 5, 4]]], consts: [['k', [1], [2], I64]], attrs: { axis: 1 }, outs: 2 }, 'topk 10 axis 1');
  await unit({ op: 'TopK', opset: 11, ins: [['x', [4, 6]]], consts: [['k', [1], [6], I64]], attrs: { largest: 0 }, outs: 2 }, 'topk 11 smallest, all');
  const ties = encodeModel({
    opset: 11,
    graph: {
      nodes: [{ opType: 'Mul', inputs: ['x', 'zero'], outputs: ['x0'] }, { opType: 'Add', inputs: ['x0', 't'], outputs: ['xt'] }, { opType: 'TopK', inputs: ['xt', 'k'], outputs: ['v', 'i'] }],
      initializers: [{ name: 'zero', dims: [], data: [0] }, { name: 't', dims: [2, 9], data: [1, 2, 2, 1, 3, 3, 0, 2, 1, 5, 5, 5, 4, 4, 9, 9, 0, 0] }, { name: 'k', dims: [1], data: [5], type: I64 }],
      inputs: [{ name: 'x', dims: [2, 9] }], outputs: [{ name: 'v' }, { name: 'i' }],
    },
  });
  await agree(ties, { x: { data: rnd([2, 9]), dims: [2, 9] } }, 'topk ties');
});

test('DepthToSpace DCR and CRD, SpaceToDepth', async () => {
  await unit({ op: 'DepthToSpace', opset: 9, ins: [['x', [2, 8, 3, 2]]], attrs: { blocksize: 2 } }, 'd2s 9');
  for (const mode of ['DCR', 'CRD']) await unit({ op: 'DepthToSpace', opset: 13, ins: [['x', [1, 18, 2, 3]]], attrs: { blocksize: 3, mode } }, `d2s ${mode}`);
  await unit({ op: 'SpaceToDepth', opset: 13, ins: [['x', [2, 3, 4, 6]]], attrs: { blocksize: 2 } }, 's2d');
});

test('GatherND (constant and data indices, negative), GatherElements (axes, constant and data indices)', async () => {
  await unit({ op: 'GatherND', opset: 11, ins: [['x', [3, 4, 5]]], consts: [['i', [2, 2], [0, 1, -1, 3], I64]] }, 'gathernd const');
  await unit({ op: 'GatherND', opset: 13, ins: [['x', [3, 4, 5]]], consts: [['i', [2, 3, 1], [0, 2, 1, 1, 0, 2], I64]] }, 'gathernd slices');
  // indices computed in the graph (Floor(Abs(f)) cast to int64: 0 or 1)
  for (const [op, ishape] of [['GatherND', [5, 2]], ['GatherElements', [2, 3]]] as const) {
    const m = encodeModel({
      opset: 13,
      graph: {
        nodes: [{ opType: 'Abs', inputs: ['f'], outputs: ['a'] }, { opType: 'Floor', inputs: ['a'], outputs: ['b'] }, { opType: 'Cast', inputs: ['b'], outputs: ['i'], attrs: { to: I64 } },
          { opType: op, inputs: ['x', 'i'], outputs: ['y'], attrs: op === 'GatherElements' ? { axis: 1 } : {} }],
        initializers: [], inputs: [{ name: 'x', dims: [3, 4] }, { name: 'f', dims: [...ishape] }], outputs: [{ name: 'y' }],
      },
    });
    await agree(m, { x: { data: rnd([3, 4]), dims: [3, 4] }, f: { data: rnd([...ishape]), dims: [...ishape] } }, `${op} data indices`);
  }
  for (const ax of [0, 1, -1]) {
    const shape = [3, 4, 2], isz = [2, 3, 2], n = 12, lim = shape[ax < 0 ? ax + 3 : ax];
    await unit({ op: 'GatherElements', opset: 13, ins: [['x', shape]], consts: [['i', isz, Array.from({ length: n }, (_, k) => (k * 7) % lim - (k % 3 === 0 ? lim : 0)), I64]], attrs: { axis: ax } }, `gatherelements axis ${ax}`);
  }
});

test('Einsum: matmul, batched matmul, attention scores, transpose, sum, outer and dot products, 3 operands, implicit output', async () => {
  const eqs: [string, number[][]][] = [
    ['ij,jk->ik', [[3, 4], [4, 5]]], ['bij,bjk->bik', [[2, 3, 4], [2, 4, 5]]], ['bhqd,bhkd->bhqk', [[2, 2, 3, 4], [2, 2, 5, 4]]],
    ['ij->ji', [[3, 5]]], ['ijk->j', [[2, 3, 4]]], ['i,j->ij', [[3], [4]]], ['ij,ij->i', [[3, 4], [3, 4]]],
    ['ij,jk,kl->il', [[2, 3], [3, 4], [4, 2]]], ['ij,jk', [[3, 4], [4, 2]]], ['bn,anm,bm->ba', [[2, 3], [4, 3, 5], [2, 5]]],
  ];
  for (const [equation, shapes] of eqs) {
    await unit({ op: 'Einsum', opset: 12, ins: shapes.map((s, i) => [`x${i}`, s] as [string, number[]]), attrs: { equation } }, `einsum ${equation}`);
  }
});

test('refused clearly: Einsum ellipsis / diagonal, GatherND batch_dims, TopK K too large', () => {
  const one = (op: string, attrs: Record<string, unknown>, ins: [string, number[]][], consts: { name: string; dims: number[]; data: number[]; type?: number }[] = []) => encodeModel({
    opset: 13,
    graph: { nodes: [{ opType: op, name: 'bad', inputs: [...ins.map(([n]) => n), ...consts.map((k) => k.name)], outputs: ['y'], attrs: attrs as never }], initializers: consts, inputs: ins.map(([name, dims]) => ({ name, dims })), outputs: [{ name: 'y' }] },
  });
  expectMx(() => mx.onnx.importModel(one('Einsum', { equation: '...ij,...jk->...ik' }, [['a', [2, 3, 4]], ['b', [2, 4, 5]]])), 'ellipsis', /ellipsis.*'bad'|'bad'.*ellipsis/);
  expectMx(() => mx.onnx.importModel(one('Einsum', { equation: 'ii->i' }, [['a', [3, 3]]])), 'diagonal', /diagonal/);
  expectMx(() => mx.onnx.importModel(one('GatherND', { batch_dims: 1 }, [['a', [2, 3, 4]]], [{ name: 'i', dims: [2, 1], data: [0, 1], type: I64 }])), 'batch_dims', /batch_dims/);
  expectMx(() => mx.onnx.importModel(one('TopK', {}, [['a', [2, 3]]], [{ name: 'k', dims: [1], data: [4], type: I64 }])), 'K too large', /K = 4/);
  rnd([1]);
});

test.run();
