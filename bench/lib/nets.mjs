// Whole networks for the model rows, built with mx.sym as MXNet's zoos build them (Gluon model zoo layer order:
// conv -> BatchNorm -> relu; ResNet v1 / MobileNet v1 / MobileNetV2 / SqueezeNet 1.1 / VGG-11), classifier logits
// as the output (no SoftmaxOutput: both runtimes return the same 1000 logits). BatchNorm: fix_gamma false, eps 1e-5.

/** Builders: each takes mx.sym and returns the output symbol for data (N, 3, 224, 224). */
export function netBuilders(sym) {
  let uid = 0;
  const name = (p) => `${p}${uid++}`;
  const conv = (x, F, k, s = 1, p = 0, G = 1, bias = false) =>
    sym.Convolution({ data: x, num_filter: F, kernel: [k, k], stride: [s, s], pad: [p, p], num_group: G, no_bias: !bias, name: name('conv') });
  const bn = (x) => sym.BatchNorm({ data: x, fix_gamma: false, eps: 1e-5, name: name('bn') });
  const relu = (x) => sym.Activation({ data: x, act_type: 'relu', name: name('relu') });
  const relu6 = (x) => sym.clip({ data: x, a_min: 0, a_max: 6, name: name('relu6') });
  const cbr = (x, F, k, s, p, G = 1) => relu(bn(conv(x, F, k, s, p, G)));
  const add = (a, b) => sym.elemwise_add({ lhs: a, rhs: b, name: name('add') });
  const gap = (x) => sym.Pooling({ data: x, global_pool: true, pool_type: 'avg', kernel: [1, 1], name: name('pool') });
  const fc = (x, n) => sym.FullyConnected({ data: sym.Flatten({ data: x, name: name('flat') }), num_hidden: n, name: name('fc') });
  const maxpool = (x, k, s, p) => sym.Pooling({ data: x, pool_type: 'max', kernel: [k, k], stride: [s, s], pad: [p, p], name: name('pool') });
  const data = () => sym.Variable('data');

  /** ResNet v1 (Gluon resnet18_v1 / resnet50_v1): basic blocks (18) or bottlenecks with stride on the 3x3 (50). */
  function resnet(layers, bottleneck) {
    let x = maxpool(cbr(data(), 64, 7, 2, 3), 3, 2, 1);
    const widths = [64, 128, 256, 512];
    let cin = 64;
    layers.forEach((n, stage) => {
      for (let i = 0; i < n; i++) {
        const s = stage > 0 && i === 0 ? 2 : 1, w = widths[stage], cout = bottleneck ? w * 4 : w;
        let y;
        if (bottleneck) y = bn(conv(cbr(cbr(x, w, 1, 1, 0), w, 3, s, 1), cout, 1));
        else y = bn(conv(cbr(x, w, 3, s, 1), w, 3, 1, 1));
        const sc = s !== 1 || cin !== cout ? bn(conv(x, cout, 1, s, 0)) : x;
        x = relu(add(y, sc));
        cin = cout;
      }
    });
    return fc(gap(x), 1000);
  }

  /** MobileNet v1 1.0: stem 3x3 s2, then depthwise 3x3 + pointwise 1x1 pairs, each conv -> BN -> relu. */
  function mobilenet() {
    let x = cbr(data(), 32, 3, 2, 1);
    const cfg = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
    let c = 32;
    for (const [f, s] of cfg) { x = cbr(cbr(x, c, 3, s, 1, c), f, 1, 1, 0); c = f; }
    return fc(gap(x), 1000);
  }

  /** MobileNetV2 1.0 (Gluon): inverted residuals, relu6 as clip(0, 6), 1x1 conv classifier. */
  function mobilenetv2() {
    const cbr6 = (x, F, k, s, p, G = 1) => relu6(bn(conv(x, F, k, s, p, G)));
    let x = cbr6(data(), 32, 3, 2, 1), c = 32;
    const cfg = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
    for (const [t, f, n, s0] of cfg) {
      for (let i = 0; i < n; i++) {
        const s = i === 0 ? s0 : 1, e = c * t;
        let y = t === 1 ? x : cbr6(x, e, 1, 1, 0);
        y = bn(conv(cbr6(y, e, 3, s, 1, e), f, 1));
        x = s === 1 && c === f ? add(y, x) : y;
        c = f;
      }
    }
    x = gap(cbr6(x, 1280, 1, 1, 0));
    return sym.Flatten({ data: conv(x, 1000, 1, 1, 0, 1, true), name: name('flat') });
  }

  /** SqueezeNet 1.1 (Gluon): fire modules (squeeze 1x1, expand 1x1 and 3x3 concatenated), relu, conv classifier. */
  function squeezenet() {
    const cr = (x, F, k, s = 1, p = 0) => relu(conv(x, F, k, s, p, 1, true));
    const fire = (x, sq, ex) => { const s = cr(x, sq, 1); return sym.Concat({ data: [cr(s, ex, 1), cr(s, ex, 3, 1, 1)], dim: 1, name: name('concat') }); };
    const pool = (x) => sym.Pooling({ data: x, pool_type: 'max', kernel: [3, 3], stride: [2, 2], pooling_convention: 'full', name: name('pool') });
    let x = pool(cr(data(), 64, 3, 2));
    x = pool(fire(fire(x, 16, 64), 16, 64));
    x = pool(fire(fire(x, 32, 128), 32, 128));
    x = fire(fire(fire(fire(x, 48, 192), 48, 192), 64, 256), 64, 256);
    return sym.Flatten({ data: gap(cr(x, 1000, 1)), name: name('flat') });
  }

  /** VGG-11 (Gluon vgg11): 3x3 convs with bias and relu, max pools, FC 4096 x2 (dropout is identity in inference). */
  function vgg11() {
    let x = data();
    for (const stage of [[64], [128], [256, 256], [512, 512], [512, 512]]) {
      for (const f of stage) x = relu(conv(x, f, 3, 1, 1, 1, true));
      x = maxpool(x, 2, 2, 0);
    }
    x = relu(fc(x, 4096));
    x = relu(sym.FullyConnected({ data: x, num_hidden: 4096, name: name('fc') }));
    return sym.FullyConnected({ data: x, num_hidden: 1000, name: name('fc') });
  }

  /** DenseNet-121 (Gluon densenet121): pre-activation dense layers (BN, relu, 1x1 to 128, BN, relu, 3x3 to 32, concat), transitions halve channels and plane. */
  function densenet121() {
    const br = (x) => relu(bn(x));
    let x = maxpool(cbr(data(), 64, 7, 2, 3), 3, 2, 1), c = 64;
    [6, 12, 24, 16].forEach((n, i) => {
      for (let k = 0; k < n; k++) {
        const y = conv(br(conv(br(x), 128, 1)), 32, 3, 1, 1);
        x = sym.Concat({ data: [x, y], dim: 1, name: name('concat') });
        c += 32;
      }
      if (i < 3) {
        c /= 2;
        x = sym.Pooling({ data: conv(br(x), c, 1), pool_type: 'avg', kernel: [2, 2], stride: [2, 2], name: name('pool') });
      }
    });
    return fc(gap(br(x)), 1000);
  }

  /** Inception-BN (MXNet's example symbol inception-bn.py at 224²): conv -> BN (fix_gamma, eps 2e-5) -> relu factories. */
  function inceptionBn() {
    const cf = (x, F, k, s = 1, p = 0) => relu(sym.BatchNorm({ data: conv(x, F, k, s, p, 1, true), fix_gamma: true, eps: 2e-5, name: name('bn') }));
    const cat = (xs) => sym.Concat({ data: xs, dim: 1, name: name('concat') });
    const A = (x, n1, n3r, n3, nd3r, nd3, pool, proj) => cat([
      cf(x, n1, 1), cf(cf(x, n3r, 1), n3, 3, 1, 1), cf(cf(cf(x, nd3r, 1), nd3, 3, 1, 1), nd3, 3, 1, 1),
      cf(sym.Pooling({ data: x, kernel: [3, 3], stride: [1, 1], pad: [1, 1], pool_type: pool, name: name('pool') }), proj, 1)]);
    const B = (x, n3r, n3, nd3r, nd3) => cat([
      cf(cf(x, n3r, 1), n3, 3, 2, 1), cf(cf(cf(x, nd3r, 1), nd3, 3, 1, 1), nd3, 3, 2, 1),
      sym.Pooling({ data: x, kernel: [3, 3], stride: [2, 2], pad: [1, 1], pool_type: 'max', name: name('pool') })]);
    let x = maxpool(cf(data(), 64, 7, 2, 3), 3, 2, 0);
    x = maxpool(cf(cf(x, 64, 1), 192, 3, 1, 1), 3, 2, 0);
    x = B(A(A(x, 64, 64, 64, 64, 96, 'avg', 32), 64, 64, 96, 64, 96, 'avg', 64), 128, 160, 64, 96);
    x = A(A(A(A(x, 224, 64, 96, 96, 128, 'avg', 128), 192, 96, 128, 96, 128, 'avg', 128), 160, 128, 160, 128, 160, 'avg', 128), 96, 128, 192, 160, 192, 'avg', 128);
    x = B(x, 128, 192, 192, 256);
    x = A(A(x, 352, 192, 320, 160, 224, 'avg', 128), 352, 192, 320, 192, 224, 'max', 128);
    return fc(gap(x), 1000);
  }

  return {
    'densenet121': densenet121,
    'inception-bn': inceptionBn,
    'resnet18': () => resnet([2, 2, 2, 2], false),
    'resnet50': () => resnet([3, 4, 6, 3], true),
    'mobilenet1.0': mobilenet,
    'mobilenetv2': mobilenetv2,
    'squeezenet1.1': squeezenet,
    'vgg11': vgg11,
  };
}
