// MXNet's key sharding (kvstore_dist.h EncodeDefaultKey): an array below the big-array bound goes
// whole to server (key * 9973) % S; a bigger one is sliced over all servers, part i holding
// [round(n/S*i), round(n/S*(i+1))).

/** One slice of a key: which server holds it, and which elements. */
export interface Slice { server: number; part: number; begin: number; end: number }

/** @example shard(3, 10, 2, 1e6) // [{ server: 1, part: 0, begin: 0, end: 10 }] */
export function shard(key: number, n: number, numServers: number, bigArrayBound: number): Slice[] {
  if (n < bigArrayBound || numServers === 1) return [{ server: (key * 9973) % numServers, part: 0, begin: 0, end: n }];
  const out: Slice[] = [];
  for (let i = 0; i < numServers; i++) out.push({ server: i, part: i, begin: Math.round((n / numServers) * i), end: Math.round((n / numServers) * (i + 1)) });
  return out;
}
