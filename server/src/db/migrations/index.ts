import type { Migration } from '@mikro-orm/migrations';
import { Migration20261123000000Initial } from './Migration20261123000000Initial.js';
import { Migration20261123120000Dialer } from './Migration20261123120000Dialer.js';
import { Migration20261123200000AgentPause } from './Migration20261123200000AgentPause.js';
import { Migration20261124000000Auth } from './Migration20261124000000Auth.js';
import { Migration20261124010000Wallboard } from './Migration20261124010000Wallboard.js';
import { Migration20261129000000Compliance } from './Migration20261129000000Compliance.js';
import { Migration20261129100000Sessions } from './Migration20261129100000Sessions.js';
import { Migration20261129110000ApiKeys } from './Migration20261129110000ApiKeys.js';
import { Migration20261129120000GroupFollowups } from './Migration20261129120000GroupFollowups.js';
import { Migration20261129130000HopperChanges } from './Migration20261129130000HopperChanges.js';
import { Migration20261129140000MissedCalls } from './Migration20261129140000MissedCalls.js';
import { Migration20261129150000OwnerPools } from './Migration20261129150000OwnerPools.js';
import { Migration20261129160000StopReason } from './Migration20261129160000StopReason.js';
import { Migration20261129170000AgentRequests } from './Migration20261129170000AgentRequests.js';
import { Migration20261130000000PreviewFollowups } from './Migration20261130000000PreviewFollowups.js';
import { Migration20261130100000Webhooks } from './Migration20261130100000Webhooks.js';
import { Migration20261130200000Integrations } from './Migration20261130200000Integrations.js';
import { Migration20261130300000AgentSipUri } from './Migration20261130300000AgentSipUri.js';
import { Migration20261130400000TrunkStatus } from './Migration20261130400000TrunkStatus.js';
import { Migration20261130500000SimClock } from './Migration20261130500000SimClock.js';
import { Migration20261130510000LegConnectedAt } from './Migration20261130510000LegConnectedAt.js';

/** Every migration in order; committed and applied at start. */
export const MIGRATIONS: { name: string; class: new (...args: any[]) => Migration }[] = [
  { name: 'Migration20261123000000Initial', class: Migration20261123000000Initial },
  { name: 'Migration20261123120000Dialer', class: Migration20261123120000Dialer },
  { name: 'Migration20261123200000AgentPause', class: Migration20261123200000AgentPause },
  { name: 'Migration20261124000000Auth', class: Migration20261124000000Auth },
  { name: 'Migration20261124010000Wallboard', class: Migration20261124010000Wallboard },
  { name: 'Migration20261129000000Compliance', class: Migration20261129000000Compliance },
  { name: 'Migration20261129100000Sessions', class: Migration20261129100000Sessions },
  { name: 'Migration20261129110000ApiKeys', class: Migration20261129110000ApiKeys },
  { name: 'Migration20261129120000GroupFollowups', class: Migration20261129120000GroupFollowups },
  { name: 'Migration20261129130000HopperChanges', class: Migration20261129130000HopperChanges },
  { name: 'Migration20261129140000MissedCalls', class: Migration20261129140000MissedCalls },
  { name: 'Migration20261129150000OwnerPools', class: Migration20261129150000OwnerPools },
  { name: 'Migration20261129160000StopReason', class: Migration20261129160000StopReason },
  { name: 'Migration20261129170000AgentRequests', class: Migration20261129170000AgentRequests },
  { name: 'Migration20261130000000PreviewFollowups', class: Migration20261130000000PreviewFollowups },
  { name: 'Migration20261130100000Webhooks', class: Migration20261130100000Webhooks },
  { name: 'Migration20261130200000Integrations', class: Migration20261130200000Integrations },
  { name: 'Migration20261130300000AgentSipUri', class: Migration20261130300000AgentSipUri },
  { name: 'Migration20261130400000TrunkStatus', class: Migration20261130400000TrunkStatus },
  { name: 'Migration20261130500000SimClock', class: Migration20261130500000SimClock },
  { name: 'Migration20261130510000LegConnectedAt', class: Migration20261130510000LegConnectedAt },
];
