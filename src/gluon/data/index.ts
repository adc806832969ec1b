// gluon.data
export { Dataset, SimpleDataset, ArrayDataset, DataLoader, defaultBatchify, type DataLoaderOptions } from './dataloader.js';
import { MNIST, FashionMNIST, transforms } from './vision.js';
/** gluon.data.vision: MNIST, FashionMNIST, transforms. */
export const vision = { MNIST, FashionMNIST, transforms };
