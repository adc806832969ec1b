// Removes esbuild's redundant `__name` calls from an unminified bundle (the Node one). esbuild's keepNames wraps every
// function in `__name(f, "f")`, which redefines f.name: at a cold start that is ~2000 Object.defineProperty calls,
// and each one turns the function's properties into a dictionary (measured: 670 KB of the import's 2.2 MB of young
// allocation, so one scavenge more). Where JavaScript already gives the function that very name (a declaration, or an
// anonymous function or class bound to a variable, an identifier or an object key of the same name) the call is
// blanked out; where esbuild renamed the binding (`class _MxError`, `load2`) it stays, so every `.name` is the same
// as with keepNames. Blanked with spaces, newlines kept: the source map's lines and columns stay valid.
import ts from 'typescript';

const PURE = '/* @__PURE__ */ ';

/**
 * The bundle's text with redundant `__name` calls blanked, and how many were.
 * @example const { text, removed } = stripRedundantNames(bundleText);
 */
export function stripRedundantNames(text) {
  const sf = ts.createSourceFile('bundle.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const cut = []; // [start, end) ranges to blank
  let removed = 0;
  const nameCall = (n) => ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === '__name' &&
    n.arguments.length === 2 && ts.isStringLiteral(n.arguments[1]);
  const anonymous = (e) => (ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isClassExpression(e)) && !e.name;
  // The name JavaScript itself gives an anonymous function in this position (NamedEvaluation), if any.
  const inferred = (call) => {
    const p = call.parent;
    if (ts.isVariableDeclaration(p) && p.initializer === call && ts.isIdentifier(p.name)) return p.name.text;
    if (ts.isBinaryExpression(p) && p.right === call && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(p.left)) return p.left.text;
    if (ts.isPropertyAssignment(p) && p.initializer === call && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return p.name.text;
    return undefined;
  };
  const visit = (n) => {
    if (nameCall(n)) {
      const [f, s] = n.arguments;
      const start = n.getStart(sf);
      const pure = text.slice(start - PURE.length, start) === PURE ? PURE.length : 0;
      if (ts.isExpressionStatement(n.parent) && ts.isIdentifier(f) && f.text === s.text) {
        // `__name(foo, "foo");` after `function foo` or `var foo = class`: foo.name is "foo" already.
        cut.push([n.parent.getStart(sf), n.parent.end]);
        removed++;
        return;
      }
      if (anonymous(f) && inferred(n) === s.text) {
        // `x = /* @__PURE__ */ __name((a) => ..., "x")` -> `x = (a) => ...` in parentheses: the name is inferred.
        cut.push([start - pure, start + '__name'.length], [f.end, n.end - 1]);
        removed++;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  if (!cut.length) return { text, removed };
  cut.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [a, b] of cut) {
    out += text.slice(at, a) + text.slice(a, b).replace(/[^\n\r]/g, ' ');
    at = b;
  }
  return { text: out + text.slice(at), removed };
}
