import { readFileSync } from 'node:fs';

/** The 16-bit PCM samples and rate of a WAV file (the chunks are walked; only PCM 16-bit is read). */
export function readWav(file: string): { rate: number; channels: number; samples: Int16Array } {
  const b = readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file} is not a WAV file`);
  let rate = 0;
  let channels = 1;
  for (let at = 12; at + 8 <= b.length; ) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      channels = b.readUInt16LE(at + 10);
      rate = b.readUInt32LE(at + 12);
      if (b.readUInt16LE(at + 22) !== 16) throw new Error(`${file}: only 16-bit PCM is read`);
    } else if (id === 'data') {
      const data = b.subarray(at + 8, at + 8 + Math.min(size, b.length - at - 8));
      return { rate, channels, samples: new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + (data.length & ~1))) };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${file} has no data chunk`);
}

/** Goertzel: the power of one frequency in a block of samples (first channel). */
export function powerAt(samples: Int16Array, rate: number, hz: number, channels = 1): number {
  const k = (2 * Math.PI * hz) / rate;
  const coeff = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i += channels) {
    const s = samples[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

/** Of these frequencies, the one with the most power in the samples. */
export function dominant(w: { rate: number; channels: number; samples: Int16Array }, candidates: number[]): number {
  return candidates.map((hz) => ({ hz, p: powerAt(w.samples, w.rate, hz, w.channels) })).sort((a, b) => b.p - a.p)[0]!.hz;
}
