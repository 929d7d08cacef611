import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './child.js';
import { readWav } from './tone.js';

/**
 * A real SIP phone for tests: Debian's baresip (`apt-get install baresip-core`) on 127.0.0.1 with its
 * own config folder, answering by itself (`auto`) or only when told (`manual`, through its ctrl_tcp
 * socket: accept, or hang up to refuse). It sends a sine tone of `toneHz` as its voice.
 */
export interface Phone {
  /** Where to call it: sip:<user>@127.0.0.1:<port> */
  uri: string;
  /** The UDP ports its media may use. */
  rtpPorts: [number, number];
  /** Its config folder: the sndfile module writes what it sent and heard there (dump-<call>-enc.wav / -dec.wav). */
  dir: string;
  output(): string;
  /** A ctrl_tcp command (`accept`, `hangup`, ...): resolves with baresip's answer. */
  command(command: string, params?: string): Promise<{ ok: boolean; data?: string }>;
  stop(): Promise<void>;
  /** SIGKILL: the phone vanishes without a word (no BYE). */
  kill(): Promise<void>;
}

let rtpBase = 21_000 + (process.pid % 200) * 100;

export async function startPhone(o: { user: string; answer: 'auto' | 'manual'; toneHz?: number }): Promise<Phone> {
  // a free port can be taken by someone else before baresip binds it (exit 98): try again with others
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPhoneOnce(o);
    } catch (err) {
      if (attempt >= 4 || !/exited with 98/.test(String(err))) throw err;
    }
  }
}

async function startPhoneOnce(o: { user: string; answer: 'auto' | 'manual'; toneHz?: number }): Promise<Phone> {
  const dir = await mkdtemp(path.join(tmpdir(), `phone-${o.user}-`));
  const [sipPort, ctrlPort] = [await freePort(), await freePort()];
  const rtp = (rtpBase += 20);
  await writeFile(path.join(dir, 'config'), [
    `sip_listen 127.0.0.1:${sipPort}`,
    `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
    `audio_source ausine,${o.toneHz ?? 440}`,
    `audio_player aufile,${path.join(dir, 'heard.wav')}`,
    'audio_alert aufile,/dev/null',
    'ausrc_srate 48000', 'auplay_srate 48000', 'ausrc_channels 2', 'auplay_channels 1',
    `rtp_ports ${rtp}-${rtp + 19}`,
    'module_path /usr/lib/baresip/modules',
    'module g711.so', 'module ausine.so', 'module aufile.so', 'module ctrl_tcp.so', 'module rtcpsummary.so', 'module sndfile.so',
    `snd_path ${dir}`,
    'module_app account.so', 'module_app menu.so', '',
  ].join('\n'));
  const uri = `sip:${o.user}@127.0.0.1:${sipPort}`;
  await writeFile(path.join(dir, 'accounts'), `<${uri}>;regint=0;answermode=${o.answer}\n`);
  const proc: ChildProcess = spawn('baresip', ['-f', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`baresip did not start:\n${out}`)), 10_000);
    const check = () => {
      if (/baresip is ready/.test(out)) {
        clearTimeout(t);
        resolve();
      }
    };
    proc.stdout!.on('data', check);
    proc.on('exit', (code) => {
      void rm(dir, { recursive: true, force: true });
      reject(new Error(`baresip exited with ${code}:\n${out}`));
    });
  });
  let token = 0;
  return {
    uri,
    rtpPorts: [rtp, rtp + 19],
    dir,
    output: () => out,
    command: (command, params = '') => new Promise((resolve, reject) => {
      const s = connect(ctrlPort, '127.0.0.1');
      const body = JSON.stringify({ command, params, token: String(++token) });
      const mine = token;
      let got = '';
      s.on('connect', () => s.write(`${Buffer.byteLength(body)}:${body},`));
      s.on('data', (d) => {
        got += d;
        // netstrings: events (CALL_CLOSED, ...) may come before the answer to our token
        for (let m = /^(\d+):/.exec(got); m && got.length >= m[0].length + Number(m[1]) + 1; m = /^(\d+):/.exec(got)) {
          const json = JSON.parse(got.slice(m[0].length, m[0].length + Number(m[1])));
          got = got.slice(m[0].length + Number(m[1]) + 1);
          if (json.response && json.token === String(mine)) {
            s.end();
            resolve({ ok: Boolean(json.ok), data: json.data });
            return;
          }
        }
      });
      s.on('error', reject);
    }),
    kill: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
    },
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * What a phone heard on its (first) call: the decoded audio baresip's sndfile module wrote. The file's sizes are
 * written when the call closes, so this waits (up to 5 s) for them; empty when nothing came.
 */
export async function heardBy(p: Phone): Promise<{ rate: number; channels: number; samples: Int16Array }> {
  for (let i = 0; ; i++) {
    const file = (await readdir(p.dir)).find((f) => /^dump-.*-dec\.wav$/.test(f));
    const wav = file ? readWav(path.join(p.dir, file)) : undefined;
    if (wav?.samples.length || i >= 50) return wav ?? { rate: 8000, channels: 1, samples: new Int16Array() };
    await new Promise((r) => setTimeout(r, 100));
  }
}
