/**
 * The report's timeline chart as inline SVG (no script, no external anything): events per bucket,
 * stacked by category, with each finding marked at its first-seen time, axis labels and a legend.
 * Category names and finding titles are log/query-derived and escaped like everything else.
 */
import { EVENT_CATEGORIES } from "@oclog/schema";
import type { Finding, Severity } from "../detect/finding.js";
import type { ReportData } from "./report-data.js";
import { formatDuration } from "./report-format.js";
import { escapeHtml, oneLine, own, truncate } from "./text-safety.js";

export const CATEGORY_COLORS: Record<string, string> = {
  auth: "#e15759",
  tool: "#4e79a7",
  model: "#76b7b2",
  config: "#f28e2b",
  pairing: "#b07aa1",
  network: "#edc948",
  sandbox: "#59a14f",
  pipeline: "#9c755f",
  other: "#bab0ac",
};
const EXTRA_COLORS = ["#ff9da7", "#17becf", "#8c564b", "#bcbd22", "#7f7f7f"];

export const SEVERITY_COLORS: Record<Severity, string> = {
  critical: "#991b1b",
  high: "#dc2626",
  medium: "#d97706",
  low: "#2563eb",
  informational: "#6b7280",
};

const WIDTH = 1000;
const MARGIN = { left: 64, right: 20, top: 62, bottom: 56 };
const PLOT_HEIGHT = 220;

const x2 = (n: number) => (Math.round(n * 100) / 100).toString();
const text = (value: string, max = 80) => escapeHtml(truncate(oneLine(value), max));

/** Nice tick step (1, 2 or 5 times a power of ten) for about `target` ticks up to `max`. */
function niceStep(max: number, target: number): number {
  const raw = Math.max(max / target, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2419200, 31536000];

function timeLabel(ms: number, stepSeconds: number): string {
  const iso = new Date(ms).toISOString();
  if (stepSeconds < 60) return iso.slice(11, 19);
  if (stepSeconds < 86400) return iso.slice(11, 16);
  return iso.slice(0, 10);
}

/** Colour per category: the fixed palette for known categories, then extra colours in order. */
export function categoryColors(categories: readonly string[]): Map<string, string> {
  const colors = new Map<string, string>();
  let extra = 0;
  for (const category of categories) colors.set(category, own(CATEGORY_COLORS, category) ?? EXTRA_COLORS[extra++ % EXTRA_COLORS.length]!);
  return colors;
}

/** Categories in a stable order: known ones in schema order, then the rest alphabetically. */
function orderCategories(present: Set<string>): string[] {
  const known = EVENT_CATEGORIES.filter((c) => present.has(c));
  const rest = [...present].filter((c) => !(EVENT_CATEGORIES as readonly string[]).includes(c)).sort();
  return [...known, ...rest];
}

/** The chart as an `<svg>` element string, or a short paragraph when there is nothing to draw. */
export function renderTimelineSvg(data: ReportData, findings: readonly Finding[] = data.findings): string {
  const { bucketSeconds, buckets } = data.histogram;
  if (buckets.length === 0) return `<p class="empty">No dated events to chart.</p>`;
  const widthMs = bucketSeconds * 1000;
  const totals = new Map<number, Map<string, number>>();
  const present = new Set<string>();
  for (const b of buckets) {
    const start = Date.parse(b.start);
    if (Number.isNaN(start)) continue;
    present.add(b.category);
    const byCategory = totals.get(start) ?? new Map<string, number>();
    byCategory.set(b.category, (byCategory.get(b.category) ?? 0) + b.count);
    totals.set(start, byCategory);
  }
  const starts = [...totals.keys()].sort((a, b) => a - b);
  if (starts.length === 0) return `<p class="empty">No dated events to chart.</p>`;
  const categories = orderCategories(present);
  const colors = categoryColors(categories);
  const domainStart = starts[0]!;
  const domainEnd = starts.at(-1)! + widthMs;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const x = (ms: number) => MARGIN.left + ((ms - domainStart) / (domainEnd - domainStart)) * plotWidth;
  const maxTotal = Math.max(...starts.map((s) => [...totals.get(s)!.values()].reduce((a, b) => a + b, 0)));
  const yStep = niceStep(maxTotal, 4);
  const yMax = Math.max(yStep, Math.ceil(maxTotal / yStep) * yStep);
  const plotTop = MARGIN.top;
  const plotBottom = MARGIN.top + PLOT_HEIGHT;
  const y = (value: number) => plotBottom - (value / yMax) * PLOT_HEIGHT;

  const parts: string[] = [];
  // Grid and y axis.
  for (let v = 0; v <= yMax; v += yStep) {
    parts.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${x2(y(v))}" y2="${x2(y(v))}"/>`,
      `<text class="tick" x="${MARGIN.left - 8}" y="${x2(y(v) + 4)}" text-anchor="end">${v.toLocaleString("en-US")}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" transform="translate(16 ${x2((plotTop + plotBottom) / 2)}) rotate(-90)" text-anchor="middle">events per ${escapeHtml(formatDuration(bucketSeconds))}</text>`,
  );
  // Bars, stacked by category.
  const barWidth = Math.max(1, (widthMs / (domainEnd - domainStart)) * plotWidth - (plotWidth / (starts.length + 1) > 6 ? 1.5 : 0.3));
  parts.push(`<g class="bars">`);
  for (const start of starts) {
    let base = 0;
    const byCategory = totals.get(start)!;
    for (const category of categories) {
      const count = byCategory.get(category) ?? 0;
      if (count === 0) continue;
      const top = y(base + count);
      const height = y(base) - top;
      parts.push(
        `<rect class="bar" x="${x2(x(start))}" y="${x2(top)}" width="${x2(barWidth)}" height="${x2(Math.max(height, 0.5))}" fill="${colors.get(category)}"><title>${escapeHtml(new Date(start).toISOString())}: ${count.toLocaleString("en-US")} ${text(category, 40)}</title></rect>`,
      );
      base += count;
    }
  }
  parts.push(`</g>`);
  // X axis.
  const spanSeconds = (domainEnd - domainStart) / 1000;
  const tickStep = TIME_STEPS.find((s) => spanSeconds / s <= 8) ?? Math.ceil(spanSeconds / 8);
  const tickMs = tickStep * 1000;
  parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${plotBottom}" y2="${plotBottom}"/>`);
  for (let t = Math.ceil(domainStart / tickMs) * tickMs; t <= domainEnd; t += tickMs) {
    const tx = x2(x(t));
    parts.push(
      `<line class="axis" x1="${tx}" x2="${tx}" y1="${plotBottom}" y2="${plotBottom + 5}"/>`,
      `<text class="tick" x="${tx}" y="${plotBottom + 18}" text-anchor="middle">${timeLabel(t, tickStep)}</text>`,
    );
  }
  const firstDay = new Date(domainStart).toISOString().slice(0, 10);
  const lastDay = new Date(domainEnd - 1).toISOString().slice(0, 10);
  const days = tickStep < 86400 ? (firstDay === lastDay ? `, ${firstDay}` : `, ${firstDay} to ${lastDay}`) : "";
  parts.push(`<text class="axis-label" x="${x2(MARGIN.left + plotWidth / 2)}" y="${plotBottom + 40}" text-anchor="middle">time (UTC${days})</text>`);
  // Findings at their first-seen time; a label that would overlap another moves up a row.
  const placed: number[][] = [[], [], []];
  findings.forEach((finding, index) => {
    const seen = finding.firstSeen === null ? Number.NaN : Date.parse(finding.firstSeen);
    if (Number.isNaN(seen)) return;
    const mx = x(Math.min(Math.max(seen, domainStart), domainEnd));
    let row = 0;
    while (row < 2 && placed[row]!.some((px) => Math.abs(px - mx) < 19)) row += 1;
    placed[row]!.push(mx);
    const color = own(SEVERITY_COLORS, finding.detection.severity) ?? SEVERITY_COLORS.informational;
    const cy = plotTop - 10 - row * 18;
    const label = `#${index + 1} ${finding.detection.title} (${finding.detection.severity}), first seen ${finding.firstSeen}`;
    parts.push(
      `<g class="finding-mark"><title>${text(label, 200)}</title>` +
        `<line x1="${x2(mx)}" x2="${x2(mx)}" y1="${x2(cy + 8)}" y2="${plotBottom}" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 3"/>` +
        `<circle cx="${x2(mx)}" cy="${x2(cy)}" r="8" fill="${color}"/>` +
        `<text class="mark-label" x="${x2(mx)}" y="${x2(cy + 3.5)}" text-anchor="middle">${index + 1}</text></g>`,
    );
  });
  // Legend under the axis label, wrapping by estimated text width.
  const legend: string[] = [];
  let lx = MARGIN.left;
  let ly = plotBottom + 62;
  const items = [...categories.map((c) => ({ label: truncate(oneLine(c), 24), swatch: `<rect width="12" height="12" rx="2" fill="${colors.get(c)}"/>` }))];
  items.push({ label: "finding (first seen)", swatch: `<circle cx="6" cy="6" r="6" fill="${SEVERITY_COLORS.high}"/>` });
  for (const item of items) {
    const w = 22 + item.label.length * 7 + 18;
    if (lx + w > WIDTH - MARGIN.right) {
      lx = MARGIN.left;
      ly += 20;
    }
    legend.push(`<g transform="translate(${x2(lx)} ${x2(ly - 10)})">${item.swatch}<text class="legend" x="18" y="10.5">${escapeHtml(item.label)}</text></g>`);
    lx += w;
  }
  const height = ly + 12;
  return (
    `<svg class="timeline" role="img" aria-label="Events over time by category, findings marked at first seen" viewBox="0 0 ${WIDTH} ${height}" width="100%">` +
    parts.join("") +
    `<g class="legend-items">${legend.join("")}</g></svg>`
  );
}
