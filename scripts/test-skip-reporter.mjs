// A node:test reporter that writes one JSON line per skipped or todo test or suite:
// {file, name, reason}. scripts/test.mjs reads it to name what did not run, because a skip is a
// promise the suite did not keep (a failure under CI=true). Node's own '# skipped' summary leaves
// out skipped suites and names nothing, hence this reporter.
import { relative } from 'node:path';

/** `skip`/`todo` are absent (or false) when the test ran; true or a reason string otherwise. */
const given = (flag) => flag !== undefined && flag !== false;

export default async function* skipReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { skip, todo, name, file } = event.data;
    if (!given(skip) && !given(todo)) continue;
    const why = given(skip) ? skip : todo;
    const reason = `${given(skip) ? 'skipped' : 'todo'}${typeof why === 'string' && why ? ': ' + why : ''}`;
    yield JSON.stringify({ file: file ? relative(process.cwd(), file) : '?', name, reason }) + '\n';
  }
}
