/**
 * A one-line progress bar on a stream (stderr), redrawn only when the shown percentage changes so a
 * million bars cost a hundred writes.
 */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export const NO_PROGRESS: Progress = { update() {}, finish() {} };

export function progressBar(stream: NodeJS.WritableStream, total: number, label: string, width = 30): Progress {
  let shown = -1;
  const draw = (done: number) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const percent = Math.floor(fraction * 100);
    if (percent === shown) return;
    shown = percent;
    const filled = Math.round(fraction * width);
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)} % ${done}/${total}`,
    );
  };
  return {
    update: draw,
    finish() {
      draw(total);
      stream.write('\n');
    },
  };
}
