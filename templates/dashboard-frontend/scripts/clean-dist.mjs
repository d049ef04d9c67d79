// Empties dist/ before a build, but keeps nomnom template files (*.mustache)
// that live next to the bundle, e.g. dist/entities.json.mustache.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;

function clean(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return true; // nothing to clean
  }
  let empty = true;
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (clean(path)) rmSync(path, { recursive: true, force: true });
      else empty = false;
    } else if (name.endsWith('.mustache')) {
      empty = false;
    } else {
      rmSync(path, { force: true });
    }
  }
  return empty;
}

clean(dist);
