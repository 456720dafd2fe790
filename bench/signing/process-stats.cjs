// Preloaded into every service process of the signing benchmark (NODE_OPTIONS=-r …) when
// BENCH_STATS_FILE is set. On SIGUSR2 (sent when the Keel phase starts) it notes the
// process's CPU time and starts counting PostgreSQL queries; at exit it appends one JSON line
// `{name, cpuUserMs, cpuSystemMs, queries, batches}` (since the mark) to BENCH_STATS_FILE.
// `batches` counts the inbox transactions by the records they held (`{"1": 900, "7": 12}`): a
// batch's inbox rows go in one multi-row insert (arrays as parameters), a record alone in one
// statement of its own, so the inserts show the batch sizes the service's consumers saw. CPU time is
// the process's own (getrusage), so it holds on a shared machine where wall-clock figures
// move. With BENCH_QUERY_LOG=<dir> each service also writes `<dir>/<name>.queries.txt`: its
// statements (whitespace folded, first 160 characters) by count, to see where the round trips
// go. With BENCH_CPU_PROFILE=<dir> each service writes `<dir>/<name>.cpuprofile` of the Keel
// phase (V8's sampling profiler; open it in Chrome DevTools). A sample in a native call is
// wall time, preemption included: read CPU cost from the getrusage figures, not the profile.
// Benchmark-only: nothing in the services loads or knows this file.
'use strict';
const fs = require('node:fs');

const file = process.env.BENCH_STATS_FILE;
if (file) {
  const entry = process.argv.find((a) => /services\/[^/]+\/src\/main\.ts$/.test(a)) ?? '';
  const name = entry.replace(/.*services\/([^/]+)\/src\/main\.ts$/, '$1');
  let mark = null;
  let queries = 0;
  const batches = new Map();
  const queryLog = process.env.BENCH_QUERY_LOG;
  const byText = new Map();
  try {
    const pg = require(require.resolve('pg', { paths: [process.cwd()] }));
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function countedQuery(...args) {
      if (mark) {
        queries++;
        const first = args[0];
        const text = typeof first === 'string' ? first : (first && first.text) || '';
        if (text.includes('INSERT INTO keel_inbox')) {
          const values = Array.isArray(args[1]) ? args[1] : first && first.values;
          const size = Array.isArray(values) && Array.isArray(values[1]) ? values[1].length : 1;
          batches.set(size, (batches.get(size) ?? 0) + 1);
        }
        if (queryLog) {
          const first = args[0];
          const text = typeof first === 'string' ? first : (first && first.text) || '?';
          const key = text.replace(/\s+/g, ' ').trim().slice(0, 160);
          byText.set(key, (byText.get(key) ?? 0) + 1);
        }
      }
      return query.apply(this, args);
    };
  } catch {
    // a process without pg (the compliance simulator) counts no queries
  }
  const profileDir = process.env.BENCH_CPU_PROFILE;
  let profiler = null;
  process.on('SIGUSR2', () => {
    if (profileDir && !profiler) {
      const inspector = require('node:inspector');
      profiler = new inspector.Session();
      profiler.connect();
      profiler.post('Profiler.enable');
      profiler.post('Profiler.start');
    }
    mark = process.cpuUsage();
    queries = 0;
    batches.clear();
    byText.clear();
  });
  process.on('exit', () => {
    if (!name || !mark) return;
    const cpu = process.cpuUsage(mark);
    if (profiler) {
      // The in-thread inspector session answers synchronously, so this works in an exit handler.
      profiler.post('Profiler.stop', (err, result) => {
        if (err || !result) return;
        fs.mkdirSync(profileDir, { recursive: true });
        fs.writeFileSync(`${profileDir}/${name}.cpuprofile`, JSON.stringify(result.profile));
      });
    }
    fs.appendFileSync(
      file,
      `${JSON.stringify({
        name,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
        queries,
        batches: Object.fromEntries(batches),
      })}\n`,
    );
    if (queryLog && byText.size > 0) {
      const lines = [...byText].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${n}\t${t}`);
      fs.mkdirSync(queryLog, { recursive: true });
      fs.writeFileSync(`${queryLog}/${name}.queries.txt`, `${lines.join('\n')}\n`);
    }
  });
}
