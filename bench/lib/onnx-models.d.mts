// Types of the ONNX model builders the tests share with the bench (onnx-models.mjs).
export function exportNet(mx: unknown, sym: unknown, shape: number[]): Uint8Array;
export function encoderLayerOnnx(mx: unknown, S: number, H: number, nh: number, o?: { batch?: string | number; ffn?: number; scale?: number }): Uint8Array;
export function lstmClassifierOnnx(mx: unknown, T: number, N: number, I: number, H: number, classes: number, op?: 'LSTM' | 'GRU'): Uint8Array;
