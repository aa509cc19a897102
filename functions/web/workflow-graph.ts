/**
 * A server-rendered SVG drawing of an Amazon States Language state machine, marked with where one
 * run is, where it has been and what failed. Pure and dependency-free: the layout is a small
 * layered ("Sugiyama") layout computed here.
 *
 * - Back edges (cycles) are found by a depth-first search from StartAt and left out of the layering;
 *   the other edges are layered by longest path, so every forward edge points down.
 * - A layer with more than `maxPerRow` states is wrapped into a grid of rows with a corridor down
 *   its middle that the edges passing through it use (the hub of placement.asl.json: Route fans out
 *   to 18 states).
 * - An edge spanning rows runs through pass-through points, shared by all edges to the same target
 *   (or from the same source), so fan-ins become one trunk.
 * - Back edges leave their box, run to a lane outside the drawing and come back in from the side
 *   (or from above); those to the same target share one lane.
 * Edges only ever run in the gaps between rows, in corridors or in the outer lanes, so they never
 * cross a box.
 */
import { escapeHtml, type Raw, raw } from './html.ts';

export interface GraphMarks {
  /** The state the run is in now (highlighted strongly). */
  current?: string;
  /** The states the run has entered (any execution of the case). */
  visited: readonly string[];
  /** The edges taken, [from, to]. */
  traversed: readonly (readonly [string, string])[];
  /** The states that failed (a colour and the "✕" symbol). */
  failed: readonly string[];
}

export interface GraphLegend {
  current: string;
  visited: string;
  failed: string;
  notVisited: string;
}

export interface GraphOptions {
  /** Human label of a state, already translated. */
  label: (state: string) => string;
  /** Accessible name of the drawing. */
  title: string;
  legend: GraphLegend;
  /** Prefix of the element ids, for several graphs on one page (default "wf"). */
  idPrefix?: string;
}

export interface Asl {
  StartAt: string;
  States: Record<string, unknown>;
}

export type StateKind = 'task' | 'choice' | 'pass' | 'wait' | 'succeed' | 'fail' | 'parallel' | 'map';

export interface NodeBox {
  state: string;
  /** The ASL Type as written ("Task" when missing). */
  type: string;
  kind: StateKind;
  x: number;
  y: number;
  width: number;
  height: number;
  row: number;
  /** The label wrapped into lines (at most three). */
  lines: readonly string[];
}

export interface EdgeRoute {
  from: string;
  to: string;
  /** Only reached through a Catch (drawn dashed). */
  catch: boolean;
  /** A back edge (a cycle), routed round the side. */
  back: boolean;
  /** SVG path data, absolute coordinates. */
  d: string;
  /** stroke-dashoffset that lines up the dashes of edges sharing a trunk. */
  dashOffset: number;
}

export interface WorkflowLayout {
  width: number;
  height: number;
  nodes: NodeBox[];
  edges: EdgeRoute[];
}

export interface LayoutOptions {
  label?: (state: string) => string;
  /** A layer with more states than this is wrapped into rows (default 4). */
  maxPerRow?: number;
  /** Space to leave above the drawing (for the legend). */
  top?: number;
  /** The drawing is centred in at least this width. */
  minWidth?: number;
}

/** The CSS the page needs: a scrollable container `<div class="wf-graph" tabindex="0" role="region">`. */
export const GRAPH_CSS = [
  '.wf-graph{overflow-x:auto;max-width:100%;margin:8px 0 16px;border:1px solid #d0d0cc;border-radius:6px;background:#fff}',
  '.wf-graph:focus-visible{outline:3px solid #f2a900;outline-offset:2px}',
  '.wf-graph>svg{display:block;width:100%;height:auto;min-width:44rem}',
].join('\n');

// ---------------------------------------------------------------------------------------------
// Geometry constants (user units = CSS px at scale 1)

const FONT = 12;
const LINE = 15;
const PAD_Y = 10;
const MIN_H = 40;
const GAP_REAL = 24;
const GAP_DUMMY = 14;
const DUMMY_SPACING = 14;
const MARGIN = 20;
const LANE_PAD = 20;
const LANE_GAP = 10;
const TRACK = 7;
const CHANNEL_MIN = 50;
const PORT_SPACING = 14;
const CORNER = 8;
const CHOICE_INSET = 14;
const DASH = '5 4';
const DASH_PERIOD = 9;

interface ShapeSpec {
  w: number;
  textMax: number;
}
const SHAPES: Record<StateKind, ShapeSpec> = {
  task: { w: 144, textMax: 124 },
  wait: { w: 144, textMax: 124 },
  parallel: { w: 144, textMax: 118 },
  map: { w: 144, textMax: 118 },
  choice: { w: 160, textMax: 118 },
  pass: { w: 144, textMax: 112 },
  succeed: { w: 144, textMax: 108 },
  fail: { w: 144, textMax: 108 },
};

const KINDS: Record<string, StateKind> = {
  Task: 'task',
  Choice: 'choice',
  Pass: 'pass',
  Wait: 'wait',
  Succeed: 'succeed',
  Fail: 'fail',
  Parallel: 'parallel',
  Map: 'map',
};

// ---------------------------------------------------------------------------------------------
// Text measuring and wrapping (estimated from character classes; font-size 12px, sans-serif)

function charWidth(c: string): number {
  const b = c.normalize('NFD').charAt(0);
  if (b === ' ') return 0.28;
  if ("ijl.,:;'!|".includes(b)) return 0.25;
  if ('ftI()[]'.includes(b)) return 0.31;
  if ('r-"'.includes(b)) return 0.36;
  if (b === 'm' || b === 'M') return 0.86;
  if (b === 'w') return 0.74;
  if (b === 'W') return 0.96;
  if ('csvxyzkJ'.includes(b)) return 0.52;
  if (/[0-9a-z]/.test(b)) return 0.57;
  if (/[A-Z]/.test(b)) return 0.7;
  return 0.64;
}

/** Estimated width in px of a line of 12px text. */
export function textWidth(s: string, size = FONT): number {
  let w = 0;
  for (const c of s) w += charWidth(c);
  return w * size * 1.08;
}

function ellipsize(s: string, max: number): string {
  let t = s;
  while (t.length > 0 && textWidth(`${t}…`) > max) t = Array.from(t).slice(0, -1).join('').trimEnd();
  return `${t}…`;
}

/** Wraps a label into at most `maxLines` lines no wider than `max` px (the last one ellipsized). */
export function wrapLabel(label: string, max: number, maxLines = 3): string[] {
  const words: string[] = [];
  for (const word of label.trim().split(/\s+/).filter(Boolean)) {
    if (textWidth(word) <= max) {
      words.push(word);
      continue;
    }
    let piece = '';
    for (const c of word) {
      if (piece && textWidth(piece + c) > max) {
        words.push(piece);
        piece = '';
      }
      piece += c;
    }
    if (piece) words.push(piece);
  }
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next) > max) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  if (lines.length === 0) return [''];
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = ellipsize(lines.slice(maxLines - 1).join(' '), max);
  return kept;
}

// ---------------------------------------------------------------------------------------------
// Reading the ASL

interface Out {
  to: string;
  catch: boolean;
}
interface Parsed {
  names: string[];
  types: Map<string, string>;
  outs: Map<string, Out[]>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function parse(asl: Asl): Parsed {
  const states = isObj(asl?.States) ? asl.States : {};
  const names = Object.keys(states);
  const known = new Set(names);
  const types = new Map<string, string>();
  const outs = new Map<string, Out[]>();
  for (const name of names) {
    const def = states[name];
    const rec = isObj(def) ? def : {};
    types.set(name, typeof rec.Type === 'string' ? rec.Type : 'Task');
    const found = new Map<string, boolean>(); // to -> only by Catch
    const add = (to: unknown, isCatch: boolean) => {
      if (typeof to !== 'string' || !known.has(to)) return;
      found.set(to, (found.get(to) ?? true) && isCatch);
    };
    add(rec.Next, false);
    if (Array.isArray(rec.Choices)) for (const c of rec.Choices) if (isObj(c)) add(c.Next, false);
    add(rec.Default, false);
    if (Array.isArray(rec.Catch)) for (const c of rec.Catch) if (isObj(c)) add(c.Next, true);
    outs.set(
      name,
      [...found].map(([to, isCatch]) => ({ to, catch: isCatch })),
    );
  }
  return { names, types, outs };
}

// ---------------------------------------------------------------------------------------------
// Layout

interface Item {
  real: boolean;
  state: string; // the state (real) or the chain identity (dummy)
  kind: StateKind;
  type: string;
  w: number;
  h: number;
  lines: string[];
  row: number;
  x: number; // centre
  y: number; // top
}

interface GEdge {
  from: string;
  to: string;
  catch: boolean;
  back: boolean;
  self: boolean;
  chain: number[];
  sourceKeyed: boolean;
}

interface Row {
  items: number[];
  group: number; // -1 or the index of the wrapped layer this row belongs to
}

type Side = 'L' | 'R';

interface Bundle {
  key: string;
  target: number;
  side: Side;
  edges: GEdge[];
  maxRow: number;
  lane: number;
  laneX: number;
  entry: 'side' | 'top';
}

type Pt = readonly [number, number];
type Seg = { t: 'L'; p: Pt } | { t: 'Q'; c: Pt; p: Pt } | { t: 'C'; c1: Pt; c2: Pt; p: Pt };

class PathBuilder {
  private readonly segs: Seg[] = [];
  private cur: Pt;
  constructor(private readonly start: Pt) {
    this.cur = start;
  }
  line(p: Pt) {
    if (Math.abs(p[0] - this.cur[0]) < 0.01 && Math.abs(p[1] - this.cur[1]) < 0.01) return;
    this.segs.push({ t: 'L', p });
    this.cur = p;
  }
  quad(c: Pt, p: Pt) {
    this.segs.push({ t: 'Q', c, p });
    this.cur = p;
  }
  cubic(c1: Pt, c2: Pt, p: Pt) {
    this.segs.push({ t: 'C', c1, c2, p });
    this.cur = p;
  }
  /** Straight runs through the points, with rounded corners. */
  ortho(points: readonly Pt[]) {
    const pts = points.filter(
      (p, i) => i === 0 || Math.abs(p[0] - points[i - 1]![0]) + Math.abs(p[1] - points[i - 1]![1]) > 0.01,
    );
    for (let i = 1; i < pts.length; i++) {
      const p = pts[i]!;
      const next = pts[i + 1];
      if (!next) {
        this.line(p);
        break;
      }
      const prev = this.cur;
      const d1 = Math.hypot(p[0] - prev[0], p[1] - prev[1]);
      const d2 = Math.hypot(next[0] - p[0], next[1] - p[1]);
      const r = Math.min(CORNER, d1 / 2, d2 / 2);
      const cross = (p[0] - prev[0]) * (next[1] - p[1]) - (p[1] - prev[1]) * (next[0] - p[0]);
      if (r < 0.5 || Math.abs(cross) < 0.01) {
        this.line(p);
        continue;
      }
      const a: Pt = [p[0] + ((prev[0] - p[0]) * r) / d1, p[1] + ((prev[1] - p[1]) * r) / d1];
      const b: Pt = [p[0] + ((next[0] - p[0]) * r) / d2, p[1] + ((next[1] - p[1]) * r) / d2];
      this.line(a);
      this.quad(p, b);
    }
  }
  d(): string {
    let s = `M${num(this.start[0])} ${num(this.start[1])}`;
    for (const g of this.segs) {
      if (g.t === 'L') s += `L${pt(g.p)}`;
      else if (g.t === 'Q') s += `Q${pt(g.c)} ${pt(g.p)}`;
      else s += `C${pt(g.c1)} ${pt(g.c2)} ${pt(g.p)}`;
    }
    return s;
  }
  length(): number {
    let len = 0;
    let cur = this.start;
    for (const g of this.segs) {
      if (g.t === 'L') len += Math.hypot(g.p[0] - cur[0], g.p[1] - cur[1]);
      else {
        const at = (t: number): Pt => {
          const u = 1 - t;
          if (g.t === 'Q')
            return [
              u * u * cur[0] + 2 * u * t * g.c[0] + t * t * g.p[0],
              u * u * cur[1] + 2 * u * t * g.c[1] + t * t * g.p[1],
            ];
          return [
            u * u * u * cur[0] + 3 * u * u * t * g.c1[0] + 3 * u * t * t * g.c2[0] + t * t * t * g.p[0],
            u * u * u * cur[1] + 3 * u * u * t * g.c1[1] + 3 * u * t * t * g.c2[1] + t * t * t * g.p[1],
          ];
        };
        let prev = cur;
        for (let i = 1; i <= 32; i++) {
          const q = at(i / 32);
          len += Math.hypot(q[0] - prev[0], q[1] - prev[1]);
          prev = q;
        }
      }
      cur = g.p;
    }
    return len;
  }
}

const num = (v: number) => {
  const r = Math.round(v * 10) / 10;
  return String(Object.is(r, -0) ? 0 : r);
};
const pt = (p: Pt) => `${num(p[0])} ${num(p[1])}`;
const edgeKey = (from: string, to: string) => `${from}\u0000${to}`;

/** Solves min Σ (x_i − desired_i)² with x_{i+1} − x_i ≥ seps_i (pool-adjacent-violators). */
function placeInOrder(desired: readonly number[], seps: readonly number[]): number[] {
  const n = desired.length;
  const offset: number[] = [0];
  for (let i = 1; i < n; i++) offset.push(offset[i - 1]! + seps[i - 1]!);
  const blocks: { sum: number; count: number }[] = [];
  for (let i = 0; i < n; i++) {
    blocks.push({ sum: desired[i]! - offset[i]!, count: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.sum / a.count <= b.sum / b.count) break;
      blocks.pop();
      a.sum += b.sum;
      a.count += b.count;
    }
  }
  const out: number[] = [];
  for (const b of blocks) for (let k = 0; k < b.count; k++) out.push(b.sum / b.count + offset[out.length]!);
  return out;
}

/** Lays out the state machine: node boxes (absolute coordinates) and edge paths. */
export function layoutWorkflow(asl: Asl, opts: LayoutOptions = {}): WorkflowLayout {
  const label = opts.label ?? ((s: string) => s);
  const maxPerRow = Math.max(1, Math.floor(opts.maxPerRow ?? 4));
  const { names, types, outs } = parse(asl);
  if (names.length === 0) {
    const width = Math.max(2 * MARGIN, opts.minWidth ?? 0);
    return { width, height: (opts.top ?? 0) + 2 * MARGIN, nodes: [], edges: [] };
  }

  // 1. Depth-first search from StartAt: preorder and back edges.
  const colour = new Map<string, 1 | 2>();
  const preorder: string[] = [];
  const back = new Set<string>();
  const roots = typeof asl?.StartAt === 'string' && types.has(asl.StartAt) ? [asl.StartAt, ...names] : names;
  for (const root of roots) {
    if (colour.has(root)) continue;
    colour.set(root, 1);
    preorder.push(root);
    const stack: { n: string; i: number }[] = [{ n: root, i: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const list = outs.get(top.n) ?? [];
      if (top.i < list.length) {
        const e = list[top.i++]!;
        const c = colour.get(e.to);
        if (c === undefined) {
          colour.set(e.to, 1);
          preorder.push(e.to);
          stack.push({ n: e.to, i: 0 });
        } else if (c === 1) back.add(edgeKey(top.n, e.to));
      } else {
        colour.set(top.n, 2);
        stack.pop();
      }
    }
  }
  const rank = new Map(preorder.map((n, i) => [n, i]));

  // 2. Longest-path layering of the forward edges.
  const indeg = new Map(names.map((n) => [n, 0]));
  for (const n of names)
    for (const e of outs.get(n) ?? []) if (!back.has(edgeKey(n, e.to))) indeg.set(e.to, indeg.get(e.to)! + 1);
  const layer = new Map<string, number>(names.map((n) => [n, 0]));
  const queue = preorder.filter((n) => indeg.get(n) === 0);
  for (let qi = 0; qi < queue.length; qi++) {
    const n = queue[qi]!;
    for (const e of outs.get(n) ?? []) {
      if (back.has(edgeKey(n, e.to))) continue;
      layer.set(e.to, Math.max(layer.get(e.to)!, layer.get(n)! + 1));
      indeg.set(e.to, indeg.get(e.to)! - 1);
      if (indeg.get(e.to) === 0) queue.push(e.to);
    }
  }

  // 3. Items for the states; layers wrapped into rows.
  const items: Item[] = [];
  const index = new Map<string, number>();
  for (const n of preorder) {
    const type = types.get(n) ?? 'Task';
    const kind = KINDS[type] ?? 'task';
    const shape = SHAPES[kind];
    const lines = wrapLabel(label(n) || n, shape.textMax);
    index.set(n, items.length);
    items.push({
      real: true,
      state: n,
      kind,
      type,
      w: shape.w,
      h: Math.max(MIN_H, lines.length * LINE + 2 * PAD_Y),
      lines,
      row: 0,
      x: 0,
      y: 0,
    });
  }
  const layerCount = Math.max(...layer.values()) + 1;
  const rows: Row[] = [];
  let groups = 0;
  for (let l = 0; l < layerCount; l++) {
    const members = preorder.filter((n) => layer.get(n) === l).map((n) => index.get(n)!);
    if (members.length === 0) continue;
    if (members.length <= maxPerRow) {
      rows.push({ items: members, group: -1 });
      continue;
    }
    const k = Math.ceil(members.length / maxPerRow);
    const per = Math.ceil(members.length / k);
    const group = groups++;
    for (let i = 0; i < members.length; i += per) rows.push({ items: members.slice(i, i + per), group });
  }
  rows.forEach((r, ri) => {
    for (const i of r.items) items[i]!.row = ri;
  });

  // 4. Edges; those spanning rows get pass-through items, shared per target (or per source).
  const edges: GEdge[] = [];
  const longOut = new Map<string, number>();
  const longIn = new Map<string, number>();
  for (const n of preorder)
    for (const e of outs.get(n) ?? []) {
      const isBack = back.has(edgeKey(n, e.to));
      if (!isBack && items[index.get(e.to)!]!.row - items[index.get(n)!]!.row > 1) {
        longOut.set(n, (longOut.get(n) ?? 0) + 1);
        longIn.set(e.to, (longIn.get(e.to) ?? 0) + 1);
      }
    }
  const dummies = new Map<string, number>();
  for (const n of preorder)
    for (const e of outs.get(n) ?? []) {
      const u = index.get(n)!;
      const v = index.get(e.to)!;
      const isBack = back.has(edgeKey(n, e.to));
      const chain = [u];
      const sourceKeyed = (longOut.get(n) ?? 0) > (longIn.get(e.to) ?? 0);
      if (!isBack)
        for (let r = items[u]!.row + 1; r < items[v]!.row; r++) {
          const ident = sourceKeyed ? `s\u0000${n}` : `t\u0000${e.to}`;
          const key = `${ident}\u0000${r}`;
          let d = dummies.get(key);
          if (d === undefined) {
            d = items.length;
            dummies.set(key, d);
            items.push({
              real: false,
              state: ident,
              kind: 'task',
              type: '',
              w: 0,
              h: 0,
              lines: [],
              row: r,
              x: 0,
              y: 0,
            });
            rows[r]!.items.push(d);
          }
          chain.push(d);
        }
      chain.push(v);
      edges.push({ from: n, to: e.to, catch: e.catch, back: isBack, self: n === e.to, chain, sourceKeyed });
    }
  const up = items.map(() => [] as number[]);
  const down = items.map(() => [] as number[]);
  for (const e of edges) {
    if (e.back) continue;
    for (let k = 0; k + 1 < e.chain.length; k++) {
      const a = e.chain[k]!;
      const b = e.chain[k + 1]!;
      if (!down[a]!.includes(b)) down[a]!.push(b);
      if (!up[b]!.includes(a)) up[b]!.push(a);
    }
  }

  // 5. Order within rows. Wrapped rows keep the definition order with their pass-throughs in a
  //    corridor in the middle; the other rows are ordered by barycentre sweeps.
  const identRank = (ident: string) => {
    const [kind, name] = ident.split('\u0000') as [string, string];
    return (kind === 's' ? 0 : 1) * 1e6 + (rank.get(name) ?? 0);
  };
  const corridor = new Map<number, string[]>(); // group -> identities, centre-out
  for (const r of rows) {
    if (r.group < 0) continue;
    const list = corridor.get(r.group) ?? [];
    for (const i of r.items)
      if (!items[i]!.real && !list.includes(items[i]!.state)) list.push(items[i]!.state);
    corridor.set(r.group, list);
  }
  for (const [g, list] of corridor) {
    const sorted = [...list].sort((a, b) => identRank(a) - identRank(b));
    const arranged: string[] = [];
    sorted.forEach((id, i) => {
      if (i % 2 === 0 && i > 0) arranged.unshift(id);
      else arranged.push(id);
    });
    corridor.set(g, arranged);
  }
  for (const r of rows) {
    if (r.group < 0) continue;
    const ids = corridor.get(r.group)!;
    const reals = r.items.filter((i) => items[i]!.real);
    const ds = r.items.filter((i) => !items[i]!.real);
    ds.sort((a, b) => ids.indexOf(items[a]!.state) - ids.indexOf(items[b]!.state));
    const nLeft = Math.ceil(reals.length / 2);
    r.items = [...reals.slice(0, nLeft), ...ds, ...reals.slice(nLeft)];
  }
  const pos = new Map<number, number>();
  const setPos = () => {
    for (const r of rows)
      r.items.forEach((i, p) => {
        pos.set(i, p);
      });
  };
  setPos();
  const crossings = () => {
    let c = 0;
    for (let r = 0; r + 1 < rows.length; r++) {
      const segs: [number, number][] = [];
      for (const a of rows[r]!.items) for (const b of down[a]!) segs.push([pos.get(a)!, pos.get(b)!]);
      for (let i = 0; i < segs.length; i++)
        for (let j = i + 1; j < segs.length; j++)
          if ((segs[i]![0] - segs[j]![0]) * (segs[i]![1] - segs[j]![1]) < 0) c++;
    }
    return c;
  };
  let best = rows.map((r) => [...r.items]);
  let bestCrossings = crossings();
  for (let it = 0; it < 16 && bestCrossings > 0; it++) {
    const downward = it % 2 === 0;
    const order = rows.map((_, i) => i);
    if (!downward) order.reverse();
    for (const r of order) {
      const row = rows[r]!;
      if (row.group >= 0) continue;
      const bary = new Map<number, number>();
      for (const i of row.items) {
        const ns = downward ? up[i]! : down[i]!;
        bary.set(i, ns.length ? ns.reduce((s, n) => s + pos.get(n)!, 0) / ns.length : pos.get(i)!);
      }
      row.items.sort((a, b) => bary.get(a)! - bary.get(b)! || pos.get(a)! - pos.get(b)!);
      row.items.forEach((i, p) => {
        pos.set(i, p);
      });
    }
    const c = crossings();
    if (c < bestCrossings) {
      bestCrossings = c;
      best = rows.map((r) => [...r.items]);
    }
  }
  rows.forEach((r, i) => {
    r.items = best[i]!;
  });
  setPos();

  // 6. Horizontal placement.
  const sep = (a: number, b: number) =>
    (items[a]!.w + items[b]!.w) / 2 + (items[a]!.real && items[b]!.real ? GAP_REAL : GAP_DUMMY);
  for (const r of rows) {
    let x = 0;
    r.items.forEach((i, p) => {
      if (p > 0) x += sep(r.items[p - 1]!, i);
      items[i]!.x = x;
    });
    for (const i of r.items) items[i]!.x -= x / 2;
  }
  const placeGroup = (g: number, centre: number) => {
    const groupRows = rows.filter((r) => r.group === g);
    const reals = groupRows.flatMap((r) => r.items.filter((i) => items[i]!.real));
    const slotW = Math.max(...reals.map((i) => items[i]!.w)) + GAP_REAL;
    const per = Math.max(...groupRows.map((r) => r.items.filter((i) => items[i]!.real).length));
    const ids = corridor.get(g) ?? [];
    const inner = Math.max(0, ids.length - 1) * DUMMY_SPACING;
    const half = ids.length > 0 ? inner / 2 + GAP_REAL + GAP_REAL / 2 : GAP_REAL / 2;
    const leftSlots = Math.ceil(per / 2);
    for (const r of groupRows) {
      const reals = r.items.filter((i) => items[i]!.real);
      const nLeft = Math.ceil(reals.length / 2);
      reals.forEach((i, k) => {
        const it = items[i]!;
        if (k < nLeft) {
          const slot = leftSlots - nLeft + k; // the left ones hug the corridor
          it.x = centre - half - (leftSlots - 1 - slot) * slotW - (slotW - GAP_REAL) / 2;
        } else it.x = centre + half + (k - nLeft) * slotW + (slotW - GAP_REAL) / 2;
      });
      for (const i of r.items)
        if (!items[i]!.real) items[i]!.x = centre - inner / 2 + ids.indexOf(items[i]!.state) * DUMMY_SPACING;
    }
  };
  const mean = (ns: readonly number[]) => ns.reduce((s, n) => s + items[n]!.x, 0) / ns.length;
  for (let it = 0; it < 24; it++) {
    const mode = it < 20 ? (it % 2 === 0 ? 'down' : 'up') : 'both';
    const order = rows.map((_, i) => i);
    if (mode === 'up') order.reverse();
    const groupsDone = new Set<number>();
    for (const r of order) {
      const row = rows[r]!;
      if (row.group >= 0) {
        if (groupsDone.has(row.group)) continue;
        groupsDone.add(row.group);
        const inGroup = (n: number) => rows[items[n]!.row]!.group === row.group;
        const outside = rows
          .filter((q) => q.group === row.group)
          .flatMap((q) => q.items.flatMap((i) => [...up[i]!, ...down[i]!].filter((n) => !inGroup(n))));
        const current = row.items.length
          ? mean(row.items.filter((i) => !items[i]!.real).length ? row.items : row.items)
          : 0;
        placeGroup(row.group, outside.length ? mean(outside) : current);
        continue;
      }
      const desired = row.items.map((i) => {
        const first = mode === 'down' ? up[i]! : mode === 'up' ? down[i]! : [...up[i]!, ...down[i]!];
        const ns = first.length ? first : [...up[i]!, ...down[i]!];
        return ns.length ? mean(ns) : items[i]!.x;
      });
      const seps = row.items.slice(1).map((i, p) => sep(row.items[p]!, i));
      placeInOrder(desired, seps).forEach((x, p) => {
        items[row.items[p]!]!.x = x;
      });
    }
  }

  // 7. Back edges: a side and a lane for each (target, side), entering from the side or above.
  const cx = (i: number) => items[i]!.x;
  const left = (i: number) => items[i]!.x - items[i]!.w / 2;
  const right = (i: number) => items[i]!.x + items[i]!.w / 2;
  const allX = items.flatMap((_, i) => [left(i), right(i)]);
  const contentMin = Math.min(...allX);
  const contentMax = Math.max(...allX);
  const mid = (contentMin + contentMax) / 2;
  const bundles = new Map<string, Bundle>();
  const edgeBundle = new Map<GEdge, Bundle>();
  for (const e of edges) {
    if (!e.back || e.self) continue;
    const u = e.chain[0]!;
    const v = e.chain[e.chain.length - 1]!;
    const diff = cx(u) - cx(v);
    const side: Side = Math.abs(diff) < 1 ? (cx(u) < mid - 1 ? 'L' : 'R') : diff < 0 ? 'L' : 'R';
    const key = `${e.to}\u0000${side}`;
    let b = bundles.get(key);
    if (!b) {
      b = { key, target: v, side, edges: [], maxRow: 0, lane: 0, laneX: 0, entry: 'top' };
      bundles.set(key, b);
    }
    b.edges.push(e);
    b.maxRow = Math.max(b.maxRow, items[u]!.row);
    edgeBundle.set(e, b);
  }
  const outermost = (i: number, side: Side) => {
    const r = rows[items[i]!.row]!.items;
    return side === 'L' ? r[0] === i : r[r.length - 1] === i;
  };
  const laneCount: Record<Side, number> = { L: 0, R: 0 };
  for (const side of ['L', 'R'] as const) {
    const list = [...bundles.values()].filter((b) => b.side === side);
    list.sort(
      (a, b) =>
        a.maxRow - items[a.target]!.row - (b.maxRow - items[b.target]!.row) ||
        (rank.get(items[a.target]!.state) ?? 0) - (rank.get(items[b.target]!.state) ?? 0),
    );
    list.forEach((b, i) => {
      b.lane = i;
      b.entry = outermost(b.target, side) ? 'side' : 'top';
    });
    laneCount[side] = list.length;
  }
  const hasSelfLoop = edges.some((e) => e.self);
  const laneSpace = (n: number) => (n > 0 ? LANE_PAD + (n - 1) * LANE_GAP + 4 : 0);
  let width = contentMax - contentMin + laneSpace(laneCount.L) + laneSpace(laneCount.R) + 2 * MARGIN;
  if (hasSelfLoop && laneCount.R === 0) width += 14;
  const extra = Math.max(0, (opts.minWidth ?? 0) - width) / 2;
  width = Math.max(width, opts.minWidth ?? 0);
  const dx = MARGIN + extra + laneSpace(laneCount.L) - contentMin;
  for (const it of items) it.x += dx;
  const minX = contentMin + dx;
  const maxX = contentMax + dx;
  for (const b of bundles.values())
    b.laneX = b.side === 'L' ? minX - LANE_PAD - b.lane * LANE_GAP : maxX + LANE_PAD + b.lane * LANE_GAP;

  // Exits: from the side when nothing is in the way, else from the bottom onto a track.
  const exitMode = new Map<GEdge, 'side' | 'bottom'>();
  for (const [e, b] of edgeBundle) exitMode.set(e, outermost(e.chain[0]!, b.side) ? 'side' : 'bottom');
  // Tracks, per channel (index r = the gap below row r; -1 = above row 0).
  interface Track {
    lo: number;
    hi: number;
    index: number;
  }
  const exitTracks = new Map<string, Track>(); // bundle key + row
  const entryTracks = new Map<string, Track>(); // bundle key
  const exitByChannel = new Map<number, Track[]>();
  const entryByChannel = new Map<number, Track[]>();
  const assign = (byChannel: Map<number, Track[]>, channel: number, lo: number, hi: number): Track => {
    const list = byChannel.get(channel) ?? [];
    let index = 0;
    while (list.some((t) => t.index === index && t.lo < hi + 8 && lo < t.hi + 8)) index++;
    const t = { lo, hi, index };
    list.push(t);
    byChannel.set(channel, list);
    return t;
  };
  const sortedBundles = [...bundles.values()].sort(
    (a, b) => (a.side === b.side ? 0 : a.side === 'L' ? -1 : 1) || a.lane - b.lane,
  );
  for (const b of sortedBundles) {
    if (b.entry === 'top')
      entryTracks.set(
        b.key,
        assign(
          entryByChannel,
          items[b.target]!.row - 1,
          Math.min(b.laneX, left(b.target)),
          Math.max(b.laneX, right(b.target)),
        ),
      );
    const byRow = new Map<number, number[]>();
    for (const e of b.edges) {
      if (exitMode.get(e) !== 'bottom') continue;
      const u = e.chain[0]!;
      byRow.set(items[u]!.row, [...(byRow.get(items[u]!.row) ?? []), u]);
    }
    for (const [r, us] of [...byRow].sort((a, c) => a[0] - c[0])) {
      const lo = Math.min(b.laneX, ...us.map(left));
      const hi = Math.max(b.laneX, ...us.map(right));
      exitTracks.set(`${b.key}\u0000${r}`, assign(exitByChannel, r, lo, hi));
    }
  }
  const tracksIn = (m: Map<number, Track[]>, c: number) =>
    (m.get(c) ?? []).reduce((n, t) => Math.max(n, t.index + 1), 0);

  // 8. Vertical placement.
  const top = opts.top ?? 0;
  const rowH = rows.map((r) => Math.max(0, ...r.items.map((i) => items[i]!.h)));
  const rowTop: number[] = [];
  const topEntries = tracksIn(entryByChannel, -1);
  let y = top + MARGIN + (topEntries > 0 ? 12 + (topEntries - 1) * TRACK : 0);
  rows.forEach((_, r) => {
    rowTop.push(y);
    const n = tracksIn(exitByChannel, r) + tracksIn(entryByChannel, r);
    y += rowH[r]! + Math.max(CHANNEL_MIN, 28 + n * TRACK);
  });
  const last = rows.length - 1;
  const lastExits = tracksIn(exitByChannel, last);
  const height = rowTop[last]! + rowH[last]! + (lastExits > 0 ? 12 + (lastExits - 1) * TRACK : 0) + MARGIN;
  for (const it of items) it.y = rowTop[it.row]! + (rowH[it.row]! - it.h) / 2;
  const rowBottom = (r: number) => rowTop[r]! + rowH[r]!;
  const exitTrackY = (t: Track, r: number) => rowBottom(r) + 12 + t.index * TRACK;
  const entryTrackY = (t: Track, r: number) => rowTop[r]! - 12 - t.index * TRACK;

  // 9. Ports: where edges meet a box, spread along its top and bottom and sides.
  const usable = (i: number) => {
    const it = items[i]!;
    if (it.kind === 'choice') return it.w - 2 * CHOICE_INSET - 8;
    if (it.kind === 'pass' || it.kind === 'succeed' || it.kind === 'fail') return it.w - it.h;
    return it.w - 24;
  };
  const spread = (i: number, keys: { key: string; x: number }[]) => {
    keys.sort((a, b) => a.x - b.x || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const k = keys.length;
    const step = k > 1 ? Math.min(PORT_SPACING, usable(i) / (k - 1)) : 0;
    return new Map(keys.map((p, n) => [p.key, cx(i) + (n - (k - 1) / 2) * step]));
  };
  const bottomPorts = new Map<number, Map<string, number>>();
  const topPorts = new Map<number, Map<string, number>>();
  const sidePorts = new Map<string, Map<string, number>>(); // item + side -> key -> dy
  items.forEach((it, i) => {
    if (!it.real) return;
    const bottom = down[i]!.map((b) => ({ key: `i${b}`, x: cx(b) }));
    const topKeys = up[i]!.map((a) => ({ key: `i${a}`, x: cx(a) }));
    for (const b of bundles.values()) {
      if (b.target === i && b.entry === 'top') topKeys.push({ key: `b${b.key}`, x: b.laneX });
      if (b.edges.some((e) => e.chain[0] === i && exitMode.get(e) === 'bottom'))
        bottom.push({ key: `b${b.key}`, x: b.laneX });
    }
    bottomPorts.set(i, spread(i, bottom));
    topPorts.set(i, spread(i, topKeys));
    for (const side of ['L', 'R'] as const) {
      const keys: string[] = [];
      const list = sortedBundles.filter((b) => b.side === side);
      for (const b of list) if (b.target === i && b.entry === 'side') keys.push(`in${b.key}`);
      for (const b of list)
        if (b.edges.some((e) => e.chain[0] === i && exitMode.get(e) === 'side')) keys.push(`out${b.key}`);
      const limit = it.h / 2 - 6;
      sidePorts.set(
        `${i}${side}`,
        new Map(keys.map((k, n) => [k, Math.max(-limit, Math.min(limit, (n - (keys.length - 1) / 2) * 9))])),
      );
    }
  });
  const sideX = (i: number, side: Side, dy: number) => {
    const it = items[i]!;
    const x0 = it.x - it.w / 2;
    let inset = 0;
    if (it.kind === 'choice') inset = (CHOICE_INSET * Math.abs(dy)) / (it.h / 2);
    else if (it.kind === 'pass' || it.kind === 'succeed' || it.kind === 'fail') {
      const r = it.h / 2;
      inset = r - Math.sqrt(Math.max(0, r * r - dy * dy));
    }
    return side === 'L' ? x0 + inset : x0 + it.w - inset;
  };
  const cy = (i: number) => items[i]!.y + items[i]!.h / 2;

  // 10. Edge paths.
  const routes: EdgeRoute[] = [];
  for (const e of edges) {
    const u = e.chain[0]!;
    const v = e.chain[e.chain.length - 1]!;
    let path: PathBuilder;
    if (e.self) {
      const it = items[u]!;
      const a = sideX(u, 'R', -7);
      const b = sideX(u, 'R', 7);
      const reach = it.x + it.w / 2 + 22;
      path = new PathBuilder([a, cy(u) - 7]);
      path.cubic([reach, cy(u) - 22], [reach, cy(u) + 22], [b, cy(u) + 7]);
    } else if (e.back) {
      const b = edgeBundle.get(e)!;
      const points: Pt[] = [];
      if (exitMode.get(e) === 'side') {
        const dy = sidePorts.get(`${u}${b.side}`)!.get(`out${b.key}`) ?? 0;
        points.push([sideX(u, b.side, dy), cy(u) + dy], [b.laneX, cy(u) + dy]);
      } else {
        const px = bottomPorts.get(u)!.get(`b${b.key}`) ?? cx(u);
        const ty = exitTrackY(exitTracks.get(`${b.key}\u0000${items[u]!.row}`)!, items[u]!.row);
        points.push([px, items[u]!.y + items[u]!.h], [px, ty], [b.laneX, ty]);
      }
      if (b.entry === 'side') {
        const dy = sidePorts.get(`${v}${b.side}`)!.get(`in${b.key}`) ?? 0;
        points.push([b.laneX, cy(v) + dy], [sideX(v, b.side, dy), cy(v) + dy]);
      } else {
        const px = topPorts.get(v)!.get(`b${b.key}`) ?? cx(v);
        const ty = entryTrackY(entryTracks.get(b.key)!, items[v]!.row);
        points.push([b.laneX, ty], [px, ty], [px, items[v]!.y]);
      }
      path = new PathBuilder(points[0]!);
      path.ortho(points);
    } else {
      const sx = bottomPorts.get(u)!.get(`i${e.chain[1]}`) ?? cx(u);
      path = new PathBuilder([sx, items[u]!.y + items[u]!.h]);
      path.line([sx, rowBottom(items[u]!.row)]);
      for (let k = 0; k + 1 < e.chain.length; k++) {
        const a = e.chain[k]!;
        const b = e.chain[k + 1]!;
        const ax = items[a]!.real ? (bottomPorts.get(a)!.get(`i${b}`) ?? cx(a)) : cx(a);
        const bx = items[b]!.real ? (topPorts.get(b)!.get(`i${a}`) ?? cx(b)) : cx(b);
        const ay = rowBottom(items[a]!.row);
        const by = rowTop[items[b]!.row]!;
        const my = (ay + by) / 2;
        if (Math.abs(ax - bx) < 0.5) path.line([bx, by]);
        else path.cubic([ax, my], [bx, my], [bx, by]);
        path.line([bx, items[b]!.real ? items[b]!.y : rowBottom(items[b]!.row)]);
      }
    }
    const len = path.length();
    const dashOffset = e.catch && !e.sourceKeyed ? (DASH_PERIOD - (len % DASH_PERIOD)) % DASH_PERIOD : 0;
    routes.push({ from: e.from, to: e.to, catch: e.catch, back: e.back, d: path.d(), dashOffset });
  }

  const nodes: NodeBox[] = items
    .filter((it) => it.real)
    .map((it) => ({
      state: it.state,
      type: it.type,
      kind: it.kind,
      x: it.x - it.w / 2,
      y: it.y,
      width: it.w,
      height: it.h,
      row: it.row,
      lines: it.lines,
    }));
  return { width, height, nodes, edges: routes };
}

// ---------------------------------------------------------------------------------------------
// Rendering

type Status = 'current' | 'visited' | 'failed' | 'unvisited';

interface Look {
  fill: string;
  stroke: string;
  strokeWidth: number;
  text: string;
}
// Text #1b1b1b / #3b3b3b on these fills is ≥ 10:1; the badges are white on ≥ 6:1 colours.
const LOOKS: Record<Status, Look> = {
  unvisited: { fill: '#f3f3f3', stroke: '#8c8c8c', strokeWidth: 1.25, text: '#3b3b3b' },
  visited: { fill: '#e8f1ea', stroke: '#2e6b3f', strokeWidth: 1.75, text: '#1b1b1b' },
  current: { fill: '#dcebfb', stroke: '#0b4f9c', strokeWidth: 4, text: '#1b1b1b' },
  failed: { fill: '#fde7e7', stroke: '#b3261e', strokeWidth: 2.5, text: '#1b1b1b' },
};
const BADGES: Record<Exclude<Status, 'unvisited'>, { fill: string; symbol: string }> = {
  current: { fill: '#0b4f9c', symbol: '▶\uFE0E' },
  visited: { fill: '#2e6b3f', symbol: '✓' },
  failed: { fill: '#b3261e', symbol: '✕' },
};
const EDGE_GREY = '#8c8c8c';
const EDGE_DARK = '#1b1b1b';

const attr = (v: string | number) => escapeHtml(typeof v === 'number' ? num(v) : v);

function shapeSvg(kind: StateKind, x: number, y: number, w: number, h: number, look: Look): string {
  const paint = `fill="${look.fill}" stroke="${look.stroke}" stroke-width="${attr(look.strokeWidth)}"`;
  if (kind === 'choice') {
    const i = Math.min(CHOICE_INSET, w / 4);
    const pts: Pt[] = [
      [x + i, y],
      [x + w - i, y],
      [x + w, y + h / 2],
      [x + w - i, y + h],
      [x + i, y + h],
      [x, y + h / 2],
    ];
    return `<polygon class="wf-shape" points="${pts.map((p) => `${num(p[0])},${num(p[1])}`).join(' ')}" ${paint}/>`;
  }
  const pill = kind === 'pass' || kind === 'succeed' || kind === 'fail';
  const rx = pill ? h / 2 : 6;
  let s = `<rect class="wf-shape" x="${attr(x)}" y="${attr(y)}" width="${attr(w)}" height="${attr(h)}" rx="${attr(rx)}" ${paint}/>`;
  if (kind === 'succeed' || kind === 'fail' || kind === 'parallel' || kind === 'map') {
    const d = 4;
    s += `<rect x="${attr(x + d)}" y="${attr(y + d)}" width="${attr(w - 2 * d)}" height="${attr(h - 2 * d)}" rx="${attr(pill ? (h - 2 * d) / 2 : 3)}" fill="none" stroke="${look.stroke}" stroke-width="1"/>`;
  }
  return s;
}

function badgeSvg(x: number, y: number, status: Exclude<Status, 'unvisited'>, r = 9): string {
  const b = BADGES[status];
  return (
    `<circle class="wf-badge" cx="${attr(x)}" cy="${attr(y)}" r="${r}" fill="${b.fill}" stroke="#ffffff" stroke-width="1.5"/>` +
    `<text x="${attr(x)}" y="${attr(y)}" text-anchor="middle" dominant-baseline="central" font-size="${r > 8 ? 11 : 10}" font-weight="700" fill="#ffffff">${b.symbol}</text>`
  );
}

const uniq = (xs: readonly string[], known: ReadonlySet<string>) => [
  ...new Set(xs.filter((s) => typeof s === 'string' && known.has(s))),
];

/** The drawing as one `<svg role="img">`, with a title, a text alternative and a legend. */
export function workflowGraphSvg(asl: Asl, marks: GraphMarks, o: GraphOptions): Raw {
  const p = (o.idPrefix ?? 'wf').replace(/[^A-Za-z0-9_-]/g, '-') || 'wf';
  const label = (s: string) => {
    const l = o.label(s);
    return typeof l === 'string' && l.trim() ? l : s;
  };

  // Legend geometry first: the drawing is at least as wide as its legend.
  const legendItems: [Status, string][] = [
    ['current', o.legend.current],
    ['visited', o.legend.visited],
    ['failed', o.legend.failed],
    ['unvisited', o.legend.notVisited],
  ];
  const SW = 30;
  const SH = 20;
  const legendTop = 14;
  let lx = MARGIN;
  const legendParts: string[] = [];
  for (const [status, word] of legendItems) {
    const look = LOOKS[status];
    legendParts.push(
      `<rect x="${lx}" y="${legendTop}" width="${SW}" height="${SH}" rx="4" fill="${look.fill}" stroke="${look.stroke}" stroke-width="${attr(Math.min(look.strokeWidth, 3))}"/>`,
    );
    if (status !== 'unvisited') legendParts.push(badgeSvg(lx + SW / 2, legendTop + SH / 2, status, 7.5));
    legendParts.push(
      `<text x="${lx + SW + 8}" y="${legendTop + SH / 2}" dominant-baseline="central" fill="#1b1b1b">${escapeHtml(word)}</text>`,
    );
    lx += SW + 8 + textWidth(word) + 24;
  }
  const legendWidth = lx - 24 + MARGIN;
  const legendHeight = legendTop + SH + 6;

  const layout = layoutWorkflow(asl, { label, top: legendHeight, minWidth: legendWidth });
  const known = new Set(layout.nodes.map((n) => n.state));
  const current = typeof marks?.current === 'string' && known.has(marks.current) ? marks.current : undefined;
  const visited = uniq(marks?.visited ?? [], known);
  const failed = uniq(marks?.failed ?? [], known);
  const visitedSet = new Set(visited);
  const failedSet = new Set(failed);
  const taken = new Set<string>();
  for (const t of marks?.traversed ?? [])
    if (Array.isArray(t) && typeof t[0] === 'string' && typeof t[1] === 'string')
      taken.add(edgeKey(t[0], t[1]));

  // The text alternative.
  const sentences: string[] = [];
  if (current) sentences.push(`${o.legend.current}: ${label(current)}.`);
  if (visited.length) sentences.push(`${o.legend.visited}: ${visited.map(label).join(', ')}.`);
  if (failed.length) sentences.push(`${o.legend.failed}: ${failed.map(label).join(', ')}.`);
  if (!current && !visited.length && !failed.length)
    sentences.push(`${o.legend.notVisited}: ${layout.nodes.map((n) => label(n.state)).join(', ')}.`);

  // Edges: the ones not taken first, so the taken ones are drawn over shared trunks.
  const edgeSvg = (e: EdgeRoute) => {
    const isTaken = taken.has(edgeKey(e.from, e.to));
    const cls = ['wf-edge', e.catch ? 'wf-catch' : '', e.back ? 'wf-back' : '', isTaken ? 'wf-taken' : '']
      .filter(Boolean)
      .join(' ');
    const dash = e.catch ? ` stroke-dasharray="${DASH}" stroke-dashoffset="${attr(e.dashOffset)}"` : '';
    return `<path class="${cls}" data-from="${attr(e.from)}" data-to="${attr(e.to)}" d="${e.d}" fill="none" stroke="${isTaken ? EDGE_DARK : EDGE_GREY}" stroke-width="${isTaken ? 2.5 : 1.25}"${dash} marker-end="url(#${p}-${isTaken ? 'arrow-taken' : 'arrow'})"/>`;
  };
  const edgesOut = [
    ...layout.edges.filter((e) => !taken.has(edgeKey(e.from, e.to))),
    ...layout.edges.filter((e) => taken.has(edgeKey(e.from, e.to))),
  ].map(edgeSvg);

  const nodesOut = layout.nodes.map((n) => {
    const isFailed = failedSet.has(n.state);
    const status: Status =
      n.state === current
        ? 'current'
        : isFailed
          ? 'failed'
          : visitedSet.has(n.state)
            ? 'visited'
            : 'unvisited';
    const cls = status === 'current' && isFailed ? 'wf-current wf-failed' : `wf-${status}`;
    const look =
      status === 'current' && isFailed
        ? { ...LOOKS.failed, strokeWidth: LOOKS.current.strokeWidth }
        : LOOKS[status];
    const l = label(n.state);
    const tip = l === n.state ? l : `${l} (${n.state})`;
    const cxn = n.x + n.width / 2;
    const cyn = n.y + n.height / 2;
    const weight = status === 'current' ? ' font-weight="600"' : '';
    const tspans = n.lines
      .map(
        (line, i) =>
          `<tspan x="${attr(cxn)}" y="${attr(cyn + (i - (n.lines.length - 1) / 2) * LINE)}">${escapeHtml(line)}</tspan>`,
      )
      .join('');
    const badges: string[] = [];
    const bx = n.x + n.width - (n.kind === 'choice' ? CHOICE_INSET + 8 : 14);
    if (status !== 'unvisited') badges.push(badgeSvg(bx, n.y, status));
    if (status === 'current' && isFailed) badges.push(badgeSvg(bx - 22, n.y, 'failed'));
    return (
      `<g class="wf-node ${cls}" data-state="${attr(n.state)}" data-type="${attr(n.type)}">` +
      `<title>${escapeHtml(tip)}</title>` +
      shapeSvg(n.kind, n.x, n.y, n.width, n.height, look) +
      `<text text-anchor="middle" dominant-baseline="central" fill="${look.text}"${weight}>${tspans}</text>` +
      badges.join('') +
      '</g>'
    );
  });

  const marker = (id: string, fill: string, size: number) =>
    `<marker id="${p}-${id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="${size}" markerHeight="${size}" markerUnits="userSpaceOnUse" orient="auto"><path d="M0 1L10 5L0 9Z" fill="${fill}"/></marker>`;

  const { width, height } = layout;
  return raw(
    `<svg xmlns="http://www.w3.org/2000/svg" class="wf-svg" role="img" aria-labelledby="${p}-title ${p}-desc" viewBox="0 0 ${attr(width)} ${attr(height)}" width="100%" preserveAspectRatio="xMidYMin meet" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" font-size="${FONT}">` +
      `<title id="${p}-title">${escapeHtml(o.title)}</title>` +
      `<desc id="${p}-desc">${escapeHtml(sentences.join(' '))}</desc>` +
      `<defs>${marker('arrow', EDGE_GREY, 8)}${marker('arrow-taken', EDGE_DARK, 10)}</defs>` +
      `<rect class="wf-bg" x="0" y="0" width="${attr(width)}" height="${attr(height)}" fill="#ffffff"/>` +
      `<g class="wf-legend">${legendParts.join('')}</g>` +
      `<g class="wf-edges">${edgesOut.join('')}</g>` +
      `<g class="wf-nodes">${nodesOut.join('')}</g>` +
      '</svg>',
  );
}
