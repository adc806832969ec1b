/**
 * Upgrades MXNet symbol JSON of any generation (0.8 `param`/`attr`, 0.9-0.11 `attr`, 1.x `attrs`)
 * to the 1.x shape that `mx.sym.fromJSON` reads: `attrs` maps of strings and 3-element inputs.
 * (Owned by the model-files work: full upgrade rules, hidden keys, BatchNorm aux inputs.)
 * @example upgradeSymbolJSON(JSON.parse(text))
 */
export function upgradeSymbolJSON(json: any): any {
  const nodes = (json.nodes ?? []).map((n: any) => {
    const attrs: Record<string, string> = { ...(n.attrs ?? n.attr ?? {}) };
    if (n.param) for (const [k, v] of Object.entries(n.param)) if (!(k in attrs)) attrs[k] = String(v);
    const inputs = (n.inputs ?? []).map((e: number[]) => (e.length === 2 ? [e[0], e[1], 0] : e));
    const out: any = { op: n.op, name: n.name, inputs };
    if (Object.keys(attrs).length) out.attrs = attrs;
    return out;
  });
  return { ...json, nodes };
}
