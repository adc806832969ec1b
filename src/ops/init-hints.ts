/**
 * MXNet's FSetInputVarAttrOnCompose: the `__init__` an op puts on the input variables it is composed with (unless
 * they have one), by op name and input index. Symbol composition (src/symbol/create.ts) and the legacy JSON
 * upgrade (src/format/json-upgrade.ts) both apply it.
 * @example INPUT_INIT_HINTS.UpSampling[1] === '["bilinear", {}]'
 */
export const INPUT_INIT_HINTS: Record<string, Record<number, string>> = {
  BatchNorm: { 3: '["zero", {}]', 4: '["one", {}]' }, BatchNorm_v1: { 3: '["zero", {}]', 4: '["one", {}]' },
  _contrib_SyncBatchNorm: { 3: '["zero", {}]', 4: '["one", {}]' }, CuDNNBatchNorm: { 3: '["zero", {}]', 4: '["zero", {}]' },
  LeakyReLU: { 1: '["Constant", {"value": 0.25}]' }, UpSampling: { 1: '["bilinear", {}]' }, IdentityAttachKLSparseReg: { 1: '["zero", {}]' },
};
