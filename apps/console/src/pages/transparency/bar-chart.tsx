import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * Counts as bars (uPlot on a canvas). The same figures are in the table next to it, which is what assistive
 * technology reads, so the chart itself is hidden from it.
 */
export function BarChart({ labels, values, width = 520 }: { labels: string[]; values: number[]; width?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const styles = getComputedStyle(document.documentElement);
    const stroke = styles.getPropertyValue('--fg').trim() || '#1b1d21';
    const fill = styles.getPropertyValue('--accent').trim() || '#0b57d0';
    const chart = new uPlot(
      {
        width,
        height: 220,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: false, range: [-0.5, labels.length - 0.5] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        axes: [
          {
            stroke,
            values: (_u, splits) => splits.map((i) => labels[i] ?? ''),
            splits: () => labels.map((_, i) => i),
            gap: 4,
            size: 60,
          },
          { stroke },
        ],
        series: [{}, { fill, stroke: fill, paths: uPlot.paths.bars!({ size: [0.6, 60] }), points: { show: false } }],
      },
      [labels.map((_, i) => i), values],
      box.current,
    );
    return () => chart.destroy();
  }, [labels, values, width]);
  return <div ref={box} className="chart" aria-hidden="true" />;
}
