import { describe, expect, it } from 'vitest';
import { balanceAssignment, claimAllowance, resolveOwnerPool } from '../src/domain/owner-pool.js';
import { DialerError } from '../src/domain/errors.js';

const pool = { perClickMax: 10, maxUnprocessed: 25, releaseAfterMinutes: 30 };

describe('owner pools (seed 003)', () => {
  it('defaults, limits and the dial modes they fit', () => {
    expect(resolveOwnerPool({}, 'PROGRESSIVE')).toEqual({ perClickMax: 10, maxUnprocessed: 50, releaseAfterMinutes: 30 });
    expect(resolveOwnerPool({ perClickMax: 1, maxUnprocessed: 1, releaseAfterMinutes: 0 }, 'AGENT_FIRST_FLOW')).toEqual({ perClickMax: 1, maxUnprocessed: 1, releaseAfterMinutes: 0 });
    const field = (f: () => unknown) => { try { f(); } catch (e) { return (e as DialerError).extensions.field; } return undefined; };
    expect(field(() => resolveOwnerPool({}, 'PREDICTIVE'))).toBe('input.ownerPool');
    expect(field(() => resolveOwnerPool({ perClickMax: 0 }, 'PROGRESSIVE'))).toBe('input.ownerPool.perClickMax');
    expect(field(() => resolveOwnerPool({ maxUnprocessed: 10_001 }, 'PROGRESSIVE'))).toBe('input.ownerPool.maxUnprocessed');
    expect(field(() => resolveOwnerPool({ releaseAfterMinutes: 1.5 }, 'PROGRESSIVE'))).toBe('input.ownerPool.releaseAfterMinutes');
  });

  it('a click takes at most the per-click maximum, and never past the maximum owned; at the maximum it is refused naming the limit', () => {
    expect(claimAllowance(pool, 0)).toEqual({ take: 10, boundBy: 'PER_CLICK' });
    expect(claimAllowance(pool, 15)).toEqual({ take: 10, boundBy: 'PER_CLICK' });
    expect(claimAllowance(pool, 20)).toEqual({ take: 5, boundBy: 'MAX_UNPROCESSED' });
    expect(() => claimAllowance(pool, 25)).toThrow(/maximum of 25/);
    try {
      claimAllowance(pool, 30);
    } catch (e) {
      expect((e as DialerError).extensions).toMatchObject({ code: 'CONFLICT', limit: 'MAX_UNPROCESSED' });
    }
  });

  it('balanced assignment: fewest first, no two agents more than one apart once enough are handed out, the cap respected', () => {
    expect(balanceAssignment([0, 0, 0], 10, 100)).toEqual([4, 3, 3]);
    expect(balanceAssignment([5, 0, 2], 10, 100)).toEqual([1, 6, 3]); // 6, 6, 5
    expect(balanceAssignment([5, 0, 2], 3, 100)).toEqual([0, 3, 0]); // not enough to even out: the spread shrinks
    expect(balanceAssignment([0, 0], 10, 3)).toEqual([3, 3]); // the cap
    expect(balanceAssignment([], 10, 3)).toEqual([]);
    for (let seed = 1; seed < 50; seed++) {
      const owned = Array.from({ length: 1 + (seed % 7) }, (_, i) => (seed * 31 + i * 17) % 13);
      const total = owned.reduce((a, b) => a + b, 0);
      const avail = Math.max(...owned) * owned.length - total + (seed % 5);
      const after = balanceAssignment(owned, avail, 1000).map((g, i) => g + owned[i]!);
      expect(Math.max(...after) - Math.min(...after)).toBeLessThanOrEqual(1);
    }
  });
});
