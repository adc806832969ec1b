// mx.io.
export { DataDesc, DataBatch, DataIter, StopIteration, type DataBatchInit } from './base.js';
export { NDArrayIter, HostArray, type NDArrayIterOptions, type IterSource } from './ndarray-iter.js';
export { MNISTIter, CSVIter, type MNISTIterOptions, type CSVIterOptions } from './file-iters.js';
export { ResizeIter, PrefetchingIter } from './wrappers.js';
export { parseIdx, readBytes } from './files.js';
