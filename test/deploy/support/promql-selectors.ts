// The vector selectors of a PromQL expression — metric name plus label matchers, without range,
// offset or @ — so each one can be queried on its own. Prometheus 2.42 has no parse API, so a
// small tokenizer does it (tested in promql-selectors.test.ts; metricNames() reads every repo
// expression with it, so one it cannot read fails test/deploy).

export interface Matcher {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  /** The string literal as written, quotes included. */
  value: string;
}

export interface VectorSelector {
  /** Undefined for `{__name__=~"…"}`-style selectors. */
  name?: string;
  matchers: Matcher[];
  /** The selector as a query of its own, e.g. `faas_errors_total{service_name="search"}`. */
  text: string;
}

type Token = { kind: "ident" | "string" | "number" | "punct"; text: string };

const GROUPING = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "inf", "nan", ...GROUPING]);

export function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const push = (kind: Token["kind"], text: string) => {
    tokens.push({ kind, text });
    return text.length;
  };
  let i = 0;
  while (i < expr.length) {
    const rest = expr.slice(i);
    const space = /^(\s+|#[^\n]*)/.exec(rest);
    const string = /^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)/.exec(rest);
    const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest);
    const number = /^(0x[0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?([smhdwy]|ms)*)/.exec(rest);
    const punct = /^(=~|!~|!=|==|<=|>=|[-+*/%^<>=(){}[\],:@])/.exec(rest);
    if (space) i += space[0].length;
    else if (string) i += push("string", string[0]);
    else if (ident) i += push("ident", ident[0]);
    else if (number) i += push("number", number[0]);
    else if (punct) i += push("punct", punct[0]);
    else throw new Error(`unexpected ${JSON.stringify(rest.slice(0, 10))} at ${i} in ${expr}`);
  }
  return tokens;
}

/** Every distinct vector selector, in order of appearance. */
export function vectorSelectors(expr: string): VectorSelector[] {
  const tokens = tokenize(expr);
  checkBalanced(tokens, expr);
  const found = new Map<string, VectorSelector>();
  let i = 0;
  const closing = (open: string, close: string, from: number): number => {
    let depth = 0;
    for (let j = from; j < tokens.length; j++) {
      if (tokens[j]!.text === open) depth++;
      else if (tokens[j]!.text === close && --depth === 0) return j;
    }
    throw new Error(`unbalanced ${open} in ${expr}`);
  };
  const add = (name: string | undefined, matchers: Matcher[]): void => {
    const inner = matchers.map((m) => `${m.label}${m.op}${m.value}`).join(", ");
    const text = name ? (inner ? `${name}{${inner}}` : name) : `{${inner}}`;
    if (!found.has(text)) found.set(text, { ...(name ? { name } : {}), matchers, text });
  };
  while (i < tokens.length) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    if (token.text === "[") {
      i = closing("[", "]", i) + 1; // range or subquery: durations, not selectors
    } else if (token.kind === "ident" && GROUPING.has(token.text) && next?.text === "(") {
      i = closing("(", ")", i + 1) + 1; // a label list
    } else if (token.kind === "ident" && token.text === "offset") {
      i += 2; // offset 1m
    } else if (token.text === "@") {
      i += next?.kind === "ident" ? 4 : 2; // @ 1609746000 or @ start()
    } else if (
      token.kind === "ident" &&
      (next?.text === "(" || next?.text === "by" || next?.text === "without")
    ) {
      i += 1; // a function, or an aggregation (`sum by (le) (…)`)
    } else if (token.kind === "ident" && KEYWORDS.has(token.text.toLowerCase())) {
      i += 1;
    } else if (token.kind === "ident" || token.text === "{") {
      const name = token.kind === "ident" ? token.text : undefined;
      const open = name ? i + 1 : i;
      if (tokens[open]?.text === "{") {
        const end = closing("{", "}", open);
        add(name, matchersOf(tokens.slice(open + 1, end), expr));
        i = end + 1;
      } else {
        add(name, []);
        i += 1;
      }
    } else {
      i += 1;
    }
  }
  return [...found.values()];
}

function matchersOf(tokens: Token[], expr: string): Matcher[] {
  const matchers: Matcher[] = [];
  for (let i = 0; i < tokens.length; i += 4) {
    const [label, op, value, comma] = [tokens[i], tokens[i + 1], tokens[i + 2], tokens[i + 3]];
    if (
      label?.kind !== "ident" ||
      !["=", "!=", "=~", "!~"].includes(op?.text ?? "") ||
      value?.kind !== "string" ||
      (comma && comma.text !== ",")
    ) {
      throw new Error(
        `cannot read the label matchers {${tokens.map((t) => t.text).join(" ")}} in ${expr}`,
      );
    }
    matchers.push({ label: label.text, op: op!.text as Matcher["op"], value: value.text });
  }
  return matchers;
}

function checkBalanced(tokens: Token[], expr: string): void {
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  const open: string[] = [];
  for (const { kind, text } of tokens) {
    if (kind !== "punct") continue;
    if (text === "(" || text === "[" || text === "{") open.push(text);
    else if (pairs[text] && open.pop() !== pairs[text])
      throw new Error(`unbalanced ${text} in ${expr}`);
  }
  if (open.length > 0) throw new Error(`unbalanced ${open.at(-1)} in ${expr}`);
}
