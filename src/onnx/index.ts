// mx.onnx: ONNX model import (onto mxwasm Symbols and params) and export.
export { getModelMetadata, getModelMetadataAsync, type OnnxMetadata, type OnnxTensorInfo, type OnnxSource } from './source.js';
export { decodeModel, type OnnxModel, type OnnxGraph, type OnnxNode } from './proto.js';
export { encodeModel, type ModelSpec, type GraphSpec, type NodeSpec, type TensorSpec, type ValueSpec, type OnnxAttrValue } from './encode.js';
export { importModel, importModelAsync, supportedOps, type ImportedModel } from './import.js';
export { exportModel, type ExportOptions, type ExportParams } from './export.js';
