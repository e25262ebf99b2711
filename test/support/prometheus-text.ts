// Reading Prometheus text exposition (what /metrics answers) in tests: its samples, and a value by name and labels.
import { parser } from '@prometheus-io/lezer-promql';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Every sample line of a scrape (comments skipped); a line that is neither fails loudly. */
export function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = SAMPLE.exec(line);
      if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) labels[name] = JSON.parse(`"${value}"`);
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/**
 * The sum of the samples named `name` whose labels include `labels` (all of a labelled metric's series when none
 * are given); undefined when there is no such sample, so "absent" and "0" differ.
 */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const matching = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
  return matching.length === 0 ? undefined : matching.reduce((sum, s) => sum + s.value, 0);
}

/** What a PromQL expression selects: each metric name with the label names its matchers use. */
export interface SelectedMetric {
  name: string;
  labels: string[];
}

/**
 * The metrics a PromQL expression selects, read with Prometheus's own grammar (@prometheus-io/lezer-promql, the
 * parser of Prometheus's query editor). Throws on a syntax error, and on a selector that names its metric only by a
 * `__name__` matcher (which could not be checked).
 */
export function selectedMetrics(expression: string): SelectedMetric[] {
  const tree = parser.parse(expression);
  const found: SelectedMetric[] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) {
      throw new Error(`PromQL syntax error at ${cursor.from} in: ${expression}`);
    }
    if (cursor.name !== 'VectorSelector') continue;
    const selector = cursor.node;
    const identifier = selector.getChild('Identifier');
    if (!identifier) throw new Error(`a selector without a metric name in: ${expression}`);
    const labels = (selector.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []).map((matcher) =>
      expression.slice(matcher.getChild('LabelName')!.from, matcher.getChild('LabelName')!.to),
    );
    found.push({ name: expression.slice(identifier.from, identifier.to), labels });
  } while (cursor.next());
  return found;
}
