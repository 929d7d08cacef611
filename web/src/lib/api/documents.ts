/** Every GraphQL document the web app sends, next to the TypeScript shape of its result. */

export type CampaignStatus = 'SCHEDULED' | 'RUNNING' | 'PAUSED' | 'COMPLETED' | 'ARCHIVED';
export type CampaignAction = 'PAUSE' | 'RESUME' | 'COMPLETE' | 'ARCHIVE';
export type DialMode = 'PROGRESSIVE' | 'AGENT_FIRST_FLOW' | 'PREDICTIVE' | 'PREVIEW';
export type AgentState = 'OFFLINE' | 'AVAILABLE' | 'RINGING' | 'ON_CALL' | 'WRAP_UP' | 'PAUSED';
export type Role = 'ADMIN' | 'SUPERVISOR' | 'AGENT';
export type CallStatus = 'QUEUED' | 'RINGING' | 'ANSWERED' | 'COMPLETED' | 'NO_ANSWER' | 'BUSY' | 'FAILED' | 'CANCELLED';
export type NumberState =
  | 'SCHEDULED' | 'IN_PROGRESS' | 'RETRY' | 'RETRYING' | 'COMPLETED' | 'FAILED' | 'FAILED_DND' | 'FAILED_BALANCE' | 'FAILED_NO_ATTEMPT'
  | 'INVALID' | 'CANCELLED' | 'EXPIRED' | 'INTERRUPTED';

export interface User {
  id: string;
  name: string;
  email: string;
  role: Role;
  agentId: string | null;
}

export interface Rollup {
  completed: number;
  failed: number;
  scheduled: number;
  /** Calls cut off by a crash or shutdown after the customer answered, waiting for a person. */
  interrupted: number;
}

export interface Campaign {
  id: string;
  name: string;
  dialMode: DialMode;
  status: CampaignStatus;
  actions: CampaignAction[];
  listId: string | null;
  groupId: string;
  callerId: string;
  startsAt: string;
  endsAt: string | null;
  infinite: boolean;
  callingWindow: { start: string; end: string };
  attemptPolicy: {
    retries: number;
    retryIntervalMinutes: number;
    retryOn: string[];
    retrySchedule: number[] | null;
    agentMaxAttempts: number;
    agentRetryIntervalMinutes: number;
    continueOnNotConnected: boolean;
  };
  priority: number;
  abandonRateCap: number;
  maxDialRatio: number;
  callType: string;
  wrapUpSeconds: number;
  ringTimeoutSeconds: number;
  webhooks: { popupUrl: string | null };
  performance: Rollup;
  createdAt: string;
  completedAt: string | null;
}

export const CAMPAIGN_FIELDS = /* GraphQL */ `
  fragment CampaignFields on Campaign {
    id name dialMode status actions listId groupId callerId startsAt endsAt infinite
    callingWindow { start end }
    attemptPolicy { retries retryIntervalMinutes retryOn retrySchedule agentMaxAttempts agentRetryIntervalMinutes continueOnNotConnected }
    priority abandonRateCap maxDialRatio callType wrapUpSeconds ringTimeoutSeconds
    webhooks { popupUrl }
    performance { completed failed scheduled interrupted }
    createdAt completedAt
  }
`;

export interface CampaignStats {
  campaignId: string;
  scheduled: number;
  inProgress: number;
  retry: number;
  retrying: number;
  completed: number;
  failed: number;
  failedDnd: number;
  failedBalance: number;
  failedNoAttempt: number;
  invalid: number;
  cancelled: number;
  expired: number;
  /** Cut off by a crash or shutdown after the customer answered; waiting for a person to follow up. */
  interrupted: number;
  total: number;
  updatedAt: string;
  changedAt: string;
}

const STATS_FIELDS = `campaignId scheduled inProgress retry retrying completed failed failedDnd failedBalance failedNoAttempt invalid cancelled expired interrupted total updatedAt changedAt`;

export interface AgentStateCounts {
  available: number;
  ringing: number;
  onCall: number;
  wrapUp: number;
  paused: number;
  offline: number;
}

export interface CampaignLive {
  campaignId: string;
  agents: AgentStateCounts;
  callsRinging: number;
  callsConnected: number;
  waitingForAgent: number;
  dialsToday: number;
  liveAnswersToday: number;
  connectsToday: number;
  /** The contact centre's IANA zone: "today" is its local day. */
  localTimeZone: string;
  answerRate: number | null;
  averageHandleTimeSec: number | null;
  /** Since local midnight in `localTimeZone` (for display). */
  abandonRateToday: number | null;
  /** Rolling 24 hours; bounds the pacer against the cap. */
  abandonRate24h: number | null;
  /** Rolling 30 days; bounds the pacer against the cap. */
  abandonRate30d: number | null;
  abandonRateCap: number;
  pacingRatio: number;
  pacingReason: string;
  hopperDepth: number;
  hopperDue: number;
  /** Why numbers are held back; `outsideWindowUncertainZone` is a part of `outsideWindow`, not a reason of its own. */
  heldBack: { filter: string; count: number }[];
  remaining: number;
  finishedLastHour: number;
  etaMinutes: number | null;
  updatedAt: string;
}

const LIVE_FIELDS = `campaignId agents { available ringing onCall wrapUp paused offline } callsRinging callsConnected waitingForAgent
  dialsToday liveAnswersToday connectsToday localTimeZone answerRate averageHandleTimeSec abandonRateToday abandonRate24h abandonRate30d abandonRateCap
  pacingRatio pacingReason hopperDepth hopperDue heldBack { filter count } remaining finishedLastHour etaMinutes updatedAt`;

export interface TimelinePoint {
  at: string;
  dials: number;
  liveAnswers: number;
  abandons: number;
  occupancy: number | null;
}

// ---------------------------------------------------------------- session

export const SIGN_IN = `mutation SignIn($email: String!, $password: String!) {
  signIn(email: $email, password: $password) { token expiresAt user { id name email role agentId } }
}`;
export interface SignInResult {
  signIn: { token: string; expiresAt: string; user: User };
}

export const ME = `query Me { me { organizationName user { id name email role agentId } } }`;
export interface MeResult {
  me: { organizationName: string; user: User };
}

// ---------------------------------------------------------------- wallboard

export const WALLBOARD_CAMPAIGNS = `query WallboardCampaigns {
  campaigns(status: [RUNNING, PAUSED], sortBy: NAME, sortDirection: ASC, limit: 50) { items { ...CampaignFields } totalCount }
} ${CAMPAIGN_FIELDS}`;
export interface CampaignsResult {
  campaigns: { items: Campaign[]; totalCount: number };
}

export const CAMPAIGN_UPDATED = `subscription CampaignUpdated { campaignUpdated { ...CampaignFields } } ${CAMPAIGN_FIELDS}`;
export interface CampaignUpdatedResult {
  campaignUpdated: Campaign;
}

export const STATS_CHANGED = `subscription StatsChanged($id: ID!) { campaignStatsChanged(campaignId: $id) { ${STATS_FIELDS} } }`;
export interface StatsChangedResult {
  campaignStatsChanged: CampaignStats;
}

export const LIVE_CHANGED = `subscription LiveChanged($id: ID!) { campaignLiveChanged(campaignId: $id) { ${LIVE_FIELDS} } }`;
export interface LiveChangedResult {
  campaignLiveChanged: CampaignLive;
}

export const TIMELINE = `query Timeline($id: ID!, $minutes: Int!) { campaignTimeline(campaignId: $id, minutes: $minutes) { at dials liveAnswers abandons occupancy } }`;
export interface TimelineResult {
  campaignTimeline: TimelinePoint[];
}

// ---------------------------------------------------------------- admin

export const CAMPAIGN_LIST = `query CampaignList($status: [CampaignStatus!], $search: String, $sortBy: CampaignSortField!, $sortDirection: SortDirection!, $limit: Int!, $offset: Int!) {
  campaigns(status: $status, search: $search, sortBy: $sortBy, sortDirection: $sortDirection, limit: $limit, offset: $offset) { items { ...CampaignFields } totalCount }
} ${CAMPAIGN_FIELDS}`;

export const CAMPAIGN = `query Campaign($id: ID!) { campaign(id: $id) { ...CampaignFields } } ${CAMPAIGN_FIELDS}`;
export interface CampaignResult {
  campaign: Campaign;
}

export const LIFECYCLE: Record<CampaignAction, string> = {
  PAUSE: `mutation($id: ID!) { result: pauseCampaign(id: $id) { ...CampaignFields } } ${CAMPAIGN_FIELDS}`,
  RESUME: `mutation($id: ID!) { result: resumeCampaign(id: $id) { ...CampaignFields } } ${CAMPAIGN_FIELDS}`,
  COMPLETE: `mutation($id: ID!) { result: completeCampaign(id: $id) { ...CampaignFields } } ${CAMPAIGN_FIELDS}`,
  ARCHIVE: `mutation($id: ID!) { result: archiveCampaign(id: $id) { ...CampaignFields } } ${CAMPAIGN_FIELDS}`,
};
export interface LifecycleResult {
  result: Campaign;
}

export const CREATE_CAMPAIGN = `mutation CreateCampaign($input: CreateCampaignInput!) { createCampaign(input: $input) { ...CampaignFields } } ${CAMPAIGN_FIELDS}`;
export interface CreateCampaignResult {
  createCampaign: Campaign;
}

export const FORM_OPTIONS = `query FormOptions { contactLists(limit: 200) { id name contactCount } agentGroups(limit: 200) { id name memberCount } }`;
export interface FormOptionsResult {
  contactLists: { id: string; name: string; contactCount: number }[];
  agentGroups: { id: string; name: string; memberCount: number }[];
}

export const CONTACT_LISTS = `query Lists { contactLists(limit: 200) { id name contactCount createdAt } }`;
export interface ContactListsResult {
  contactLists: { id: string; name: string; contactCount: number; createdAt: string }[];
}
export const CREATE_LIST = `mutation CreateList($name: String!) { createContactList(name: $name) { id name contactCount createdAt } }`;
export const IMPORT_CSV = `mutation ImportCsv($input: ImportContactsCsvInput!) {
  importContactsCsv(input: $input) { rows created matched zonesUpdated addedToList errors { line code reason } }
}`;
export interface CsvImportResult {
  importContactsCsv: {
    rows: number;
    created: number;
    matched: number;
    /** Existing contacts whose time zone a `time_zone` cell changed. */
    zonesUpdated: number;
    addedToList: number;
    errors: { line: number; code: string; reason: string }[];
  };
}

// ---------------------------------------------------------------- contacts (time zones by number)

/** Where the zones a number is dialled by come from. */
export type ZoneSource = 'CONTACT' | 'NUMBER' | 'COUNTRY';

export interface PhoneNumber {
  e164: string;
  region: string | null;
  position: number;
  /** Zones the number may be in, from its prefix (or its country). */
  candidateTimeZones: string[];
  /** Zones the dialler honours: dialled only while the calling window holds in every one. */
  timeZones: string[];
  zoneSource: ZoneSource;
}

export interface Contact {
  id: string;
  name: string;
  clientId: string | null;
  /** The contact's explicit canonical IANA zone; null: each number's candidate zones apply. */
  timeZone: string | null;
  phones: PhoneNumber[];
  createdAt: string;
}

const CONTACT_FIELDS = `id name clientId timeZone phones { e164 region position candidateTimeZones timeZones zoneSource } createdAt`;

export const CONTACTS = `query Contacts($search: String, $limit: Int!, $offset: Int!) {
  contacts(search: $search, limit: $limit, offset: $offset) { totalCount items { ${CONTACT_FIELDS} } }
}`;
export interface ContactsResult {
  contacts: { totalCount: number; items: Contact[] };
}

/** `timeZone: null` clears the contact's zone (its numbers' candidate zones apply again). */
export const UPDATE_CONTACT = `mutation UpdateContact($id: ID!, $input: UpdateContactInput!) { updateContact(id: $id, input: $input) { ${CONTACT_FIELDS} } }`;
export interface UpdateContactResult {
  updateContact: Contact;
}

/** Sets or clears the zone of the named contacts or of every contact of a list; answers how many changed. */
export const SET_CONTACTS_TIME_ZONE = `mutation SetContactsTimeZone($input: SetContactsTimeZoneInput!) { setContactsTimeZone(input: $input) }`;
export interface SetContactsTimeZoneResult {
  setContactsTimeZone: number;
}

export const CALL_LEGS = `query CallLegs($id: ID!, $search: String, $status: [CallStatus!], $sortDirection: String!, $limit: Int!, $offset: Int!) {
  callLegs(campaignId: $id, search: $search, status: $status, sortDirection: $sortDirection, limit: $limit, offset: $offset) {
    totalCount items { id kind number contactName status cause abandoned machine agentAttempt customerAttempt createdAt answeredAt endedAt durationSec }
  }
}`;
export interface CallLeg {
  id: string;
  kind: 'AGENT' | 'CUSTOMER';
  number: string;
  contactName: string | null;
  status: CallStatus;
  cause: string | null;
  abandoned: boolean;
  machine: boolean;
  agentAttempt: number;
  customerAttempt: number;
  createdAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationSec: number | null;
}
export interface CallLegsResult {
  callLegs: { totalCount: number; items: CallLeg[] };
}

export const REPORT = `query Report($id: ID!) { campaignReport(campaignId: $id) { filename csv rows } }`;
export interface ReportResult {
  campaignReport: { filename: string; csv: string; rows: number };
}

// ---------------------------------------------------------------- agent console

export interface LiveCall {
  legId: string;
  numberId: string;
  campaignId: string;
  status: CallStatus;
  number: string;
  contactName: string;
  fields: { key: string; value: string }[];
  popupUrl: string | null;
  customerAttempt: number;
  startedAt: string;
  answeredAt: string | null;
  /** rescheduleAgentCall exists only in AGENT_FIRST_FLOW campaigns (the server refuses it elsewhere). */
  dialMode: DialMode;
  rescheduleAgentCall: boolean;
  rescheduleCustomerCall: boolean;
  disposition: string | null;
}

export interface Followup {
  numberId: string;
  campaignId: string;
  campaignName: string;
  contactName: string;
  number: string;
  /** When it is due (for an INTERRUPTED number: when the call was cut off); null while it is being dialled. */
  dueAt: string | null;
  timeZone: string;
  /** For an INTERRUPTED number, the server's account of what happened. */
  note: string | null;
  state: NumberState;
}

const FOLLOWUP_FIELDS = `numberId campaignId campaignName contactName number dueAt timeZone note state`;

/** How a person settles a call cut off by a crash or shutdown. */
export type InterruptedCallOutcome = 'COMPLETED' | 'RETRY' | 'FAILED';

export const INTERRUPTED_CALLS = `query InterruptedCalls($campaignId: ID!) { interruptedCalls(campaignId: $campaignId) { ${FOLLOWUP_FIELDS} } }`;
export interface InterruptedCallsResult {
  interruptedCalls: Followup[];
}

export const RESOLVE_INTERRUPTED = `mutation ResolveInterrupted($numberId: ID!, $outcome: InterruptedCallOutcome!) {
  resolveInterruptedCall(numberId: $numberId, outcome: $outcome) { numberId state }
}`;
export interface ResolveInterruptedResult {
  resolveInterruptedCall: { numberId: string; state: NumberState };
}

export interface AgentConsole {
  agentId: string;
  name: string;
  state: AgentState;
  activeCampaignId: string | null;
  currentCall: LiveCall | null;
  campaigns: { id: string; name: string; status: CampaignStatus; startsAt: string; remaining: number; canStart: boolean; cannotStartReason: string | null }[];
  followups: Followup[];
}

const CONSOLE_FIELDS = `agentId name state activeCampaignId
  currentCall { legId numberId campaignId dialMode status number contactName fields { key value } popupUrl customerAttempt startedAt answeredAt rescheduleAgentCall rescheduleCustomerCall disposition }
  campaigns { id name status startsAt remaining canStart cannotStartReason }
  followups { ${FOLLOWUP_FIELDS} }`;

export interface ConsoleResult {
  agentConsole: AgentConsole;
}
export const START_DIALLING = `mutation Start($campaignId: ID!) { agentConsole: startDialling(campaignId: $campaignId) { ${CONSOLE_FIELDS} } }`;
export const STOP_DIALLING = `mutation Stop { agentConsole: stopDialling { ${CONSOLE_FIELDS} } }`;
export const SET_PAUSED = `mutation Pause($paused: Boolean!) { agentConsole: setAgentPaused(paused: $paused) { ${CONSOLE_FIELDS} } }`;
export const SET_FLOW = `mutation Flow($numberId: ID!, $input: FlowVariablesInput!) { setFlowVariables(numberId: $numberId, input: $input) { legId } }`;
export const SCHEDULE_FOLLOWUP = `mutation Followup($input: ScheduleFollowupInput!) { scheduleFollowup(input: $input) { numberId dueAt timeZone } }`;
export const CANCEL_FOLLOWUP = `mutation CancelFollowup($numberId: ID!) { cancelFollowup(numberId: $numberId) }`;
export const AGENT_PROFILE = `query AgentProfile($id: ID!) { agent(id: $id) { id timeZone } }`;
export interface AgentProfileResult {
  agent: { id: string; timeZone: string };
}
export const CONSOLE_CHANGED = `subscription ConsoleChanged { agentConsoleChanged { ${CONSOLE_FIELDS} } }`;
export interface ConsoleChangedResult {
  agentConsoleChanged: AgentConsole;
}

/** The zone names the server stores (canonical IANA region zones and Etc/UTC): what zone pickers offer. */
export const TIME_ZONES = `query TimeZones { timeZones }`;
export interface TimeZonesResult {
  timeZones: string[];
}

/** Ends this session on the server (its sockets close). */
export const SIGN_OUT = `mutation SignOut { signOut }`;

// ---------------------------------------------------------------- administration: users

/** A user as the admin screens see them. */
export interface AdminUser extends User {
  /** Disabled by an admin: cannot sign in, every session ended. */
  disabled: boolean;
}

const ADMIN_USER_FIELDS = `id name email role agentId disabled`;

export const USERS = `query Users { users { ${ADMIN_USER_FIELDS} } }`;
export interface UsersResult {
  users: AdminUser[];
}

/** A user without a password cannot sign in; the admin screen always sets one. */
export const CREATE_USER = `mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { ${ADMIN_USER_FIELDS} } }`;
export interface CreateUserResult {
  createUser: AdminUser;
}

/** The server refuses a change of one's own role (`input.role`). */
export const UPDATE_USER = `mutation UpdateUser($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { ${ADMIN_USER_FIELDS} } }`;
export interface UpdateUserResult {
  updateUser: AdminUser;
}

/** Not oneself (`userId`); disabling ends every session of the user at once. Only `disabled` is read back. */
export const SET_USER_DISABLED = `mutation SetUserDisabled($userId: ID!, $disabled: Boolean!) { setUserDisabled(userId: $userId, disabled: $disabled) { id disabled } }`;
export interface SetUserDisabledResult {
  setUserDisabled: { id: string; disabled: boolean };
}

/** Another user's password (admins); every session of that user ends. */
export const SET_PASSWORD = `mutation SetPassword($userId: ID!, $password: String!) { setPassword(userId: $userId, password: $password) }`;
export interface SetPasswordResult {
  setPassword: boolean;
}

/** Ends every session of a user; answers how many ended. */
export const SIGN_OUT_EVERYWHERE = `mutation SignOutEverywhere($userId: ID!) { signOutEverywhere(userId: $userId) }`;
export interface SignOutEverywhereResult {
  signOutEverywhere: number;
}

// ---------------------------------------------------------------- administration: agents and groups

export interface AgentRow {
  id: string;
  name: string;
  /** Number or endpoint dialled for the agent leg (E.164). */
  phone: string;
  timeZone: string;
  state: AgentState;
  /** The linked user account, when the agent signs in. */
  userId: string | null;
}

const AGENT_ROW_FIELDS = `id name phone timeZone state userId`;

/** Agents by name; the page asks for one row more than it shows, to know whether there is a next page. */
export const AGENTS = `query Agents($limit: Int!, $offset: Int!) { agents(limit: $limit, offset: $offset) { ${AGENT_ROW_FIELDS} } }`;
export interface AgentsResult {
  agents: AgentRow[];
}

/** What the agent form offers: groups (with their members, for the membership column) and users to link. */
export const AGENT_FORM_OPTIONS = `query AgentFormOptions { agentGroups(limit: 200) { id name members { id } } users { ${ADMIN_USER_FIELDS} } }`;
export interface AgentFormOptionsResult {
  agentGroups: { id: string; name: string; members: { id: string }[] }[];
  users: AdminUser[];
}

/** The time zone is derived from the phone when omitted. */
export const CREATE_AGENT = `mutation CreateAgent($input: CreateAgentInput!) { createAgent(input: $input) { ${AGENT_ROW_FIELDS} } }`;
export interface CreateAgentResult {
  createAgent: AgentRow;
}

/** Only the fields given change; `userId: ""` unlinks; `groupIds` replaces the set. */
export const UPDATE_AGENT = `mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { ${AGENT_ROW_FIELDS} } }`;
export interface UpdateAgentResult {
  updateAgent: AgentRow;
}

export interface AgentGroupRow {
  id: string;
  name: string;
  memberCount: number;
  /** Whether members may schedule followups. */
  mayScheduleFollowups: boolean;
  members: { id: string; name: string; state: AgentState }[];
}

const GROUP_ROW_FIELDS = `id name memberCount mayScheduleFollowups members { id name state }`;

/** Groups by name, and the agents that may join them. */
export const GROUPS = `query Groups { agentGroups(limit: 200) { ${GROUP_ROW_FIELDS} } agents(limit: 200) { id name } }`;
export interface GroupsResult {
  agentGroups: AgentGroupRow[];
  agents: { id: string; name: string }[];
}

export const CREATE_GROUP = `mutation CreateAgentGroup($input: CreateAgentGroupInput!) { createAgentGroup(input: $input) { ${GROUP_ROW_FIELDS} } }`;
export interface CreateGroupResult {
  createAgentGroup: AgentGroupRow;
}

/** Renames a group or allows / forbids its members to schedule followups; only the fields given change. */
export const UPDATE_GROUP = `mutation UpdateAgentGroup($id: ID!, $input: UpdateAgentGroupInput!) { updateAgentGroup(id: $id, input: $input) { ${GROUP_ROW_FIELDS} } }`;
export interface UpdateGroupResult {
  updateAgentGroup: AgentGroupRow;
}

/** Takes effect live in running campaigns. */
export const CHANGE_GROUP_MEMBERS = `mutation ChangeGroupMembers($groupId: ID!, $add: [ID!]!, $remove: [ID!]!) {
  changeGroupMembers(groupId: $groupId, addAgentIds: $add, removeAgentIds: $remove) { ${GROUP_ROW_FIELDS} }
}`;
export interface ChangeGroupMembersResult {
  changeGroupMembers: AgentGroupRow;
}

// ---------------------------------------------------------------- administration: suppression list

export type SuppressionKind = 'NUMBER' | 'CLIENT_ID';

export interface Suppression {
  id: string;
  kind: SuppressionKind;
  /** An E.164 number or a client id. */
  value: string;
  reason: string | null;
  createdAt: string;
}

const SUPPRESSION_FIELDS = `id kind value reason createdAt`;

/** Newest first; `search` matches part of a number (any spelling), a client id or a reason. */
export const SUPPRESSIONS = `query Suppressions($search: String, $kind: SuppressionKind, $limit: Int!, $offset: Int!) {
  suppressions(search: $search, kind: $kind, limit: $limit, offset: $offset) { totalCount items { ${SUPPRESSION_FIELDS} } }
}`;
export interface SuppressionsResult {
  suppressions: { totalCount: number; items: Suppression[] };
}

/** Numbers are stored in E.164; adding one already listed keeps it (and its reason, unless a new one is given). */
export const ADD_SUPPRESSION = `mutation AddSuppression($input: AddSuppressionInput!) { addSuppression(input: $input) { ${SUPPRESSION_FIELDS} } }`;
export interface AddSuppressionResult {
  addSuppression: Suppression;
}

export const REMOVE_SUPPRESSION = `mutation RemoveSuppression($id: ID!) { removeSuppression(id: $id) }`;
export interface RemoveSuppressionResult {
  removeSuppression: boolean;
}

export const IMPORT_SUPPRESSIONS = `mutation ImportSuppressions($input: ImportSuppressionsCsvInput!) {
  importSuppressionsCsv(input: $input) { rows added alreadyListed errors { line code reason } }
}`;
export interface SuppressionImportResult {
  importSuppressionsCsv: {
    rows: number;
    added: number;
    /** Entries that were on the list already (left as they were). */
    alreadyListed: number;
    errors: { line: number; code: string; reason: string }[];
  };
}

// ---------------------------------------------------------------- administration: API keys

export type ApiKeyScope = 'CAMPAIGNS_READ' | 'CAMPAIGNS_WRITE' | 'CONTACTS_READ' | 'CONTACTS_WRITE' | 'SUPPRESSIONS_WRITE' | 'STATS_SUBSCRIBE' | 'REPORTS_READ';

export interface ApiKey {
  id: string;
  name: string;
  /** The first characters of the key, to recognise it by. */
  prefix: string;
  scopes: ApiKeyScope[];
  /** Who created it (a user's name). */
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const API_KEY_FIELDS = `id name prefix scopes createdBy createdAt lastUsedAt revokedAt`;

/** Live keys first. */
export const API_KEYS = `query ApiKeys { apiKeys { ${API_KEY_FIELDS} } }`;
export interface ApiKeysResult {
  apiKeys: ApiKey[];
}

/** The key itself is in this answer and nowhere else (only its hash is kept). */
export const CREATE_API_KEY = `mutation CreateApiKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { ${API_KEY_FIELDS} } } }`;
export interface CreateApiKeyResult {
  createApiKey: { key: string; apiKey: ApiKey };
}

/** Refused from its next request; its open sockets close within seconds. */
export const REVOKE_API_KEY = `mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { ${API_KEY_FIELDS} } }`;
export interface RevokeApiKeyResult {
  revokeApiKey: ApiKey;
}
